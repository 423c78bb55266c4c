"""Part of a large export made in a second process, so that it uses both of a server's cores.

An export is Python work from end to end (decoding rows, labels, rendering XML), so one process
runs it on one core, whatever the database does meanwhile. A region's questionnaires, pairs and
plans (Table.second), about half of that work, are made by a child process (`python -m
services.export.part`) while the bot's process makes the bases and meetings; the child
deflates each sheet's rows into a file of the export's temporary folder (export.package), and
the parent puts those files into the package as they are. The child reads with its own
connection from the same database (a file: SQLite's WAL lets readers in beside the bot), with
the same code (export.tables).

What the child needs travels as a pickle over its stdin (our own process, our own data), the
bodies' descriptions come back over its stdout. Labels cannot travel as a function of the
bot's i18n context: the caller gives a picklable `labels` that builds them in the child.
A child that fails fails the export, with its error; a cancelled export kills its child.
"""

from __future__ import annotations

import asyncio
import pickle
import sys
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from domain.profile import ProfileForm
from domain.questionnaire import Catalog
from services import reports
from services.export.cells import BodiesWriter
from services.export.package import Deflated
from services.export.table import Label

# Where `python -m services.export.part` is found, wherever the bot was started from.
PROJECT_ROOT = Path(__file__).resolve().parents[2]
# An export of at least this many people's roles splits (below, a child's start costs more than
# it saves: a school's export takes a fraction of a second).
PEOPLE_TO_SPLIT = 20_000


@dataclass(frozen=True)
class Helper:
    """How a second process reaches what the export reads: the database (a URL with its
    password) and the caller's labels, built anew there."""

    database_url: str
    labels: Callable[[], Label]


def helper_for(database_url: str, labels: Callable[[], Label]) -> Helper | None:
    """A helper for the database at `database_url`; None for an SQLite database in memory,
    which no other process can open."""
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return Helper(database_url, labels)
    if url.database in (None, "", ":memory:") or url.query.get("mode") == "memory":
        return None
    # A relative path is the bot's working folder's; the child starts in the project's.
    absolute = url.set(database=str(Path(url.database).resolve()))
    return Helper(absolute.render_as_string(hide_password=False), labels)


@dataclass(frozen=True)
class Job:
    helper: Helper
    session_info: dict[str, Any]
    scope: reports.Scope
    catalog: Catalog
    locale: str
    zone: ZoneInfo
    now: datetime
    profile: ProfileForm | None
    # Which of Tables.all() the child makes, and how the parent numbered its cell styles.
    tables: tuple[int, ...]
    styles: dict[Any, int]
    directory: str


async def made_elsewhere(job: Job) -> list[Deflated]:
    """The bodies of `job.tables`, in order, made by a child process."""
    child = await asyncio.create_subprocess_exec(
        sys.executable, "-m", "services.export.part", stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE, cwd=PROJECT_ROOT)
    try:
        out, err = await child.communicate(pickle.dumps(job))
    except BaseException:
        if child.returncode is None:
            child.kill()
            await child.wait()
        raise
    if child.returncode:
        raise RuntimeError("a part of the export failed in its process:\n"
                           + err.decode(errors="replace")[-4000:])
    return pickle.loads(out)


async def _make(job: Job) -> list[Deflated]:
    # Imported here: export.tables imports this module's parent package.
    from models.db import create_engine
    from services.export import _produce
    from services.export.tables import Tables

    label = job.helper.labels()
    engine = create_engine(job.helper.database_url)
    try:
        async with AsyncSession(engine, info=job.session_info,
                                expire_on_commit=False) as session:
            tables = Tables(session, job.scope, job.catalog, label, job.locale, job.zone,
                            job.now, job.profile, None).all()
            writer = BodiesWriter(job.styles, job.directory)
            await _produce([tables[index] for index in job.tables], writer)
            return writer.bodies
    finally:
        await engine.dispose()


def main() -> None:
    job: Job = pickle.load(sys.stdin.buffer)
    bodies = asyncio.run(_make(job))
    sys.stdout.buffer.write(pickle.dumps(bodies))


if __name__ == "__main__":
    main()
