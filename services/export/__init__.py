"""Exports as files: the bases of mentors and mentees, the pairs, meetings and individual plans,
and every questionnaire's answers, for a curator's scope; or one mentor's own pairs with their
mentees' results (the mentor's report). XLSX or a ZIP of CSV files.

Why it is built this way:

* A region holds about a hundred thousand people and millions of answers, and the export runs
  inside the bot's process, so no table is ever loaded whole. Each table is an async generator
  that streams its rows from the database in partitions (`session.stream(...).partitions`), and
  the writer appends them as they come: each sheet's rows are deflated into a temporary file as
  they are rendered (export.package), the ZIP compresses every CSV as it is written. Peak
  memory is about one partition of rows, whatever the size of the region.
* What a row needs from other tables (a mentor's mentees, a person's diagnoses, the names behind
  a ranked choice) is fetched once per partition for the ids of that partition only: at most a
  few thousand parameters a query, far below asyncpg's 32 767. The scope itself filters by joins
  (`Scope.roles`, `Scope.pairs`), never by lists of ids. Two look-ups are cheaper still: a
  person's latest satisfaction and strengths come from the responses' rollup (one row a
  response, services.scores) rather than from every answer, and a pair's mentees' names are
  remembered across partitions up to a bound (meetings come by date, and name the same pairs
  over and over).
* A table is described once (sheet name, headers, rows) and both writers consume the same
  description, so the XLSX and the CSV files cannot drift apart.
* Labels come from the caller's Fluent lookup and nothing here imports aiogram: a handler, a job
  or a script can call `export` with any session.
* Writing is CPU work, so it runs batch by batch in a worker thread, and the bot keeps answering
  others while a large export is being written. A region's XLSX is made by two processes, half
  of the tables each (export.part): the whole export is Python, so one process would use one
  core.
* People type goals, notes, answers and names; a text cell starting with = + - @ gets a leading
  apostrophe, so neither Excel nor LibreOffice ever takes it for a formula.
"""

from __future__ import annotations

import asyncio
import tempfile
from contextlib import aclosing
from datetime import UTC, datetime
from typing import BinaryIO
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.profile import ProfileForm
from domain.questionnaire import Catalog
from models import UserRole
from services import purposes, reports
from services.export import part
from services.export.cells import BodiesWriter, CsvWriter, XlsxWriter, safe_text, sheet_names
from services.export.part import Helper, Job, helper_for, made_elsewhere
from services.export.table import BATCH, FORMATS, Label, Row, Table
from services.export.tables import Tables

__all__ = ["FORMATS", "Helper", "Table", "export", "helper_for", "safe_text", "sheet_names"]


async def export(session: AsyncSession, scope: reports.Scope, catalog: Catalog, label: Label,
                 locale: str, zone: ZoneInfo, fmt: str, target: BinaryIO,
                 mentor_id: int | None = None, *, now: datetime | None = None,
                 profile: ProfileForm | None = None, helper: Helper | None = None) -> int:
    """Write the tables as XLSX (fmt "xlsx") or as a ZIP of CSV files (fmt "csv") into target;
    returns the number of data rows written.

    Without `mentor_id`: the bases of mentors and mentees, pairs, meetings, individual plans and
    one sheet per questionnaire of the catalog, for the scope. With `mentor_id` (a `User.id`):
    that mentor's pairs (cancelled ones left out), their meetings in the scope's period, their
    plans and their mentees' diagnosis before and after; the scope's schools and form are
    ignored. `now` (default: the current moment) bounds the meetings counted as held; `profile`
    turns profile option ids (subjects, mentor types, requests) into labels. With `helper`, an
    XLSX of at least export.part.PEOPLE_TO_SPLIT people's roles is made by two processes, each
    making half of the tables (Table.second).
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {FORMATS}")
    now = now or datetime.now(UTC)
    tables = Tables(session, scope, catalog, label, locale, zone, now, profile, mentor_id).all()
    if fmt == "csv":
        return await _write(tables, CsvWriter(target))
    second = tuple(index for index, table in enumerate(tables) if table.second)
    if (helper is None or mentor_id is not None or not second
            or await _people(session, scope) < part.PEOPLE_TO_SPLIT):
        return await _write(tables, XlsxWriter(target))
    with tempfile.TemporaryDirectory(prefix="export-") as directory:
        writer = XlsxWriter(target, directory)
        job = Job(helper, {purposes.KEY: purposes.of(session)}, scope, catalog, locale, zone,
                  now, profile, second, writer.styles, directory)
        return await _split(tables, writer, job)


async def _people(session: AsyncSession, scope: reports.Scope) -> int:
    return await session.scalar(scope.roles(select(func.count()).select_from(UserRole)))


async def _write(tables: list[Table], writer: XlsxWriter | CsvWriter) -> int:
    written = await _produce(tables, writer)
    await asyncio.to_thread(writer.finish)
    return written


async def _produce(tables: list[Table], writer: XlsxWriter | CsvWriter | BodiesWriter) -> int:
    """The tables' rows, written; on a failure the writer's files are removed.

    Each batch is written in a worker thread while the next is fetched and built: the
    database (another process, or SQLite's C code, which lets go of the GIL) works meanwhile.
    One batch is written at a time, in order, so at most two are in memory."""
    written = 0
    writing: asyncio.Future | None = None

    async def hand_over(batch: list[Row]) -> None:
        nonlocal writing, written
        if writing is not None:
            await writing
        writing = asyncio.ensure_future(asyncio.to_thread(writer.write, batch))
        written += len(batch)

    try:
        for table in tables:
            writer.begin(table)
            batch: list[Row] = []
            async with aclosing(table.rows()) as rows:
                async for row in rows:
                    batch.append(row)
                    if len(batch) >= BATCH:
                        await hand_over(batch)
                        batch = []
            if batch:
                await hand_over(batch)
            if writing is not None:
                await writing
                writing = None
            writer.end()
    except BaseException:
        if writing is not None:
            # A failure while the last batch was being written: let it finish before the
            # writer's files are removed.
            await asyncio.wait([writing])
        writer.discard()
        raise
    return written


async def _split(tables: list[Table], writer: XlsxWriter, job: Job) -> int:
    """The tables of `job` made by a second process while this one makes the others. Every
    sheet is added first, in order, so that either may finish first."""
    writer.prepare(tables)
    elsewhere = asyncio.ensure_future(made_elsewhere(job))
    try:
        written = await _produce([table for table in tables if not table.second], writer)
        for index, body in zip(job.tables, await elsewhere, strict=True):
            writer.adopt(tables[index], body)
            written += body.rows
    except BaseException:
        if not elsewhere.done():
            elsewhere.cancel()  # kills the child
            await asyncio.wait([elsewhere])
        writer.discard()
        raise
    await asyncio.to_thread(writer.finish)
    return written
