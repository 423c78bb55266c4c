"""Exports as files: the bases of mentors and mentees, the pairs, meetings and individual plans,
and every questionnaire's answers, for a curator's scope; or one mentor's own pairs with their
mentees' results (the mentor's report). XLSX or a ZIP of CSV files.

Why it is built this way:

* A region holds about a hundred thousand people and millions of answers, and the export runs
  inside the bot's process, so no table is ever loaded whole. Each table is an async generator
  that streams its rows from the database in partitions (`session.stream(...).partitions`), and
  the writer appends them as they come: openpyxl's write-only workbook spills every sheet to a
  temporary file, the ZIP compresses every CSV as it is written. Peak memory is about one
  partition of rows, whatever the size of the region.
* What a row needs from other tables (a mentor's mentees, a person's diagnoses, the names behind
  a ranked choice) is fetched once per partition for the ids of that partition only: at most a
  few thousand parameters a query, far below asyncpg's 32 767. The scope itself filters by joins
  (`Scope.roles`, `Scope.pairs`), never by lists of ids.
* A table is described once (sheet name, headers, rows) and both writers consume the same
  description, so the XLSX and the CSV files cannot drift apart.
* Labels come from the caller's Fluent lookup and nothing here imports aiogram: a handler, a job
  or a script can call `export` with any session.
* Writing is CPU work, so it runs batch by batch in a worker thread, and the bot keeps answering
  others while a large export is being written.
* People type goals, notes, answers and names; a text cell starting with = + - @ gets a leading
  apostrophe, so neither Excel nor LibreOffice ever takes it for a formula.
"""

from __future__ import annotations

import asyncio
import csv
import io
import re
import zipfile
from collections.abc import AsyncIterator, Callable, Iterable, Sequence
from contextlib import aclosing, asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any, BinaryIO
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.matching import AREAS, COVERED_FROM, WEAK_FROM
from domain.profile import ProfileForm
from domain.questionnaire import Catalog, Question, Questionnaire, QuestionType
from domain.roles import Role
from models import (
    Answer,
    Meeting,
    Pair,
    PairMember,
    PlanItem,
    Profile,
    Response,
    School,
    User,
    UserRole,
)
from services import access, reports
from services.meetings import MeetingStatus
from services.pairs import MENTEE, MENTOR, PairStatus

# A locale lookup that returns plain text (cells are not HTML).
Label = Callable[..., str]
Value = str | int | float | date | datetime | None
Row = Sequence[Value]

FORMATS = ("xlsx", "csv")
# Rows fetched from the database at a time, and rows handed to the writer's thread at a time.
PARTITION = 1000
BATCH = 1000
MENTOR_ROLES = (Role.MENTOR_TEACHER.value, Role.MENTOR_PUPIL.value)
MENTEE_ROLES = (Role.MENTEE_TEACHER.value, Role.MENTEE_PUPIL.value)
DIAGNOSIS_MENTOR = "diagnosis_mentor"
NO_NAME = "—"
LABEL_CACHE = 10_000
LIST_SEPARATOR = "; "
SHEET_NAME_LIMIT = 31
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# Cells starting so are formulas to a spreadsheet (tab and CR too, as OWASP advises).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT, DATETIME_FORMAT = "%d.%m.%Y", "%d.%m.%Y %H:%M"
XLSX_DATE, XLSX_DATETIME = "DD.MM.YYYY", "DD.MM.YYYY HH:MM"


@dataclass(frozen=True)
class Table:
    """One sheet (XLSX) or one file (CSV); `rows` makes the stream when the writer gets to it."""

    name: str
    headers: list[str]
    widths: list[int]
    rows: Callable[[], AsyncIterator[Row]]


async def export(session: AsyncSession, scope: reports.Scope, catalog: Catalog, label: Label,
                 locale: str, zone: ZoneInfo, fmt: str, target: BinaryIO,
                 mentor_id: int | None = None, *, now: datetime | None = None,
                 profile: ProfileForm | None = None) -> int:
    """Write the tables as XLSX (fmt "xlsx") or as a ZIP of CSV files (fmt "csv") into target;
    returns the number of data rows written.

    Without `mentor_id`: the bases of mentors and mentees, pairs, meetings, individual plans and
    one sheet per questionnaire of the catalog, for the scope. With `mentor_id` (a `User.id`):
    that mentor's pairs (cancelled ones left out), their meetings in the scope's period, their
    plans and their mentees' diagnosis before and after; the scope's schools and form are
    ignored. `now` (default: the current moment) bounds the meetings counted as held; `profile`
    turns profile option ids (subjects, mentor types, requests) into labels.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r}; expected one of {FORMATS}")
    tables = _Tables(session, scope, catalog, label, locale, zone, now or datetime.now(UTC),
                     profile, mentor_id).all()
    writer = _XlsxWriter(target) if fmt == "xlsx" else _CsvWriter(target)
    return await _write(tables, writer)


async def _write(tables: list[Table], writer: _XlsxWriter | _CsvWriter) -> int:
    written = 0
    for table in tables:
        writer.begin(table)
        batch: list[Row] = []
        async with aclosing(table.rows()) as rows:
            async for row in rows:
                batch.append(row)
                if len(batch) >= BATCH:
                    await asyncio.to_thread(writer.write, batch)
                    written += len(batch)
                    batch = []
        if batch:
            await asyncio.to_thread(writer.write, batch)
            written += len(batch)
        writer.end()
    await asyncio.to_thread(writer.finish)
    return written


# --- cells -----------------------------------------------------------------------------------

def safe_text(text: str) -> str:
    """Text a spreadsheet shows as typed instead of evaluating it."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def sheet_names(names: Iterable[str]) -> list[str]:
    """Valid, distinct Excel sheet names: no []:*?/\\, at most 31 characters, unique regardless
    of case (a clash gets « (2)», « (3)» …)."""
    taken: set[str] = set()
    result = []
    for name in names:
        base = _shorten(" ".join(SHEET_FORBIDDEN.sub(" ", name).split()).strip("'") or "Sheet")
        candidate = base[:SHEET_NAME_LIMIT].rstrip()
        number = 2
        while candidate.casefold() in taken:
            suffix = f" ({number})"
            candidate = base[:SHEET_NAME_LIMIT - len(suffix)].rstrip() + suffix
            number += 1
        taken.add(candidate.casefold())
        result.append(candidate)
    return result


def _shorten(name: str) -> str:
    """Abbreviate the longest words first («удовлетворённости» → «удовл.») until the name fits,
    so «Анкета удовлетворённости наставника» and «…наставляемого» stay apart."""
    words = name.split()
    while len(" ".join(words)) > SHEET_NAME_LIMIT:
        longest = max(range(len(words)), key=lambda i: len(words[i]))
        if len(words[longest]) <= 6:
            break
        words[longest] = words[longest][:5] + "."
    return " ".join(words)


class _XlsxWriter:
    def __init__(self, target: BinaryIO) -> None:
        self.target = target
        self.book = Workbook(write_only=True)
        self.sheet: Any = None
        self.bold = Font(bold=True)

    def begin(self, table: Table) -> None:
        sheet = self.book.create_sheet(table.name)
        # Widths and panes must be set before the first row is written.
        for index, width in enumerate(table.widths, 1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A2"
        header = []
        for text in table.headers:
            cell = WriteOnlyCell(sheet, value=self._text(text))
            cell.font = self.bold
            header.append(cell)
        sheet.append(header)
        self.sheet = sheet

    def write(self, rows: list[Row]) -> None:
        for row in rows:
            self.sheet.append([self._cell(value) for value in row])

    def _cell(self, value: Value) -> Any:
        if isinstance(value, str):
            return self._text(value)
        if isinstance(value, date):
            cell = WriteOnlyCell(self.sheet, value=value)
            cell.number_format = XLSX_DATETIME if isinstance(value, datetime) else XLSX_DATE
            return cell
        return value

    @staticmethod
    def _text(text: str) -> str:
        # Control characters are not allowed in the XML of a sheet.
        return safe_text(ILLEGAL_CHARACTERS_RE.sub("", text))

    def end(self) -> None:
        self.sheet = None

    def finish(self) -> None:
        self.book.save(self.target)


class _CsvWriter:
    """One CSV per table in a ZIP: `;` between fields and UTF-8 with a BOM, as Excel in Russian
    opens them with a double click."""

    def __init__(self, target: BinaryIO) -> None:
        self.archive = zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED)
        self.file: io.TextIOWrapper | None = None
        self.writer: Any = None

    def begin(self, table: Table) -> None:
        # Sheet names are already distinct and free of / and \.
        self.file = io.TextIOWrapper(self.archive.open(f"{table.name}.csv", "w"),
                                     encoding="utf-8-sig", newline="")
        self.writer = csv.writer(self.file, delimiter=";")
        self.writer.writerow([safe_text(header) for header in table.headers])

    def write(self, rows: list[Row]) -> None:
        self.writer.writerows([self._cell(value) for value in row] for row in rows)

    @staticmethod
    def _cell(value: Value) -> str:
        if value is None:
            return ""
        if isinstance(value, str):
            return safe_text(value)
        if isinstance(value, datetime):
            return value.strftime(DATETIME_FORMAT)
        if isinstance(value, date):
            return value.strftime(DATE_FORMAT)
        return str(value)

    def end(self) -> None:
        if self.file is not None:
            self.file.close()
        self.file = self.writer = None

    def finish(self) -> None:
        self.archive.close()


# --- tables ----------------------------------------------------------------------------------

@dataclass
class _PairSpan:
    """What a person's row needs of one of their pairs."""

    status: str
    started_on: date | None
    end: date | None
    partner_names: list[str]


def _name(full_name: str | None) -> str:
    return full_name or NO_NAME


def _contact(username: str | None, telegram_id: int) -> str:
    # A link rather than «@name»: a cell starting with @ would need the formula guard.
    return f"https://t.me/{username}" if username else f"tg://user?id={telegram_id}"


def _number(value: Any) -> int | float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value


class _Tables:
    def __init__(self, session: AsyncSession, scope: reports.Scope, catalog: Catalog,
                 label: Label, locale: str, zone: ZoneInfo, now: datetime,
                 profile: ProfileForm | None, mentor_id: int | None) -> None:
        self.session, self.scope, self.catalog = session, scope, catalog
        self._label, self.locale, self.zone, self.now = label, locale, zone, now
        self.mentor_id = mentor_id
        self.profile_questions = {q.field: q for q in profile.questions} if profile else {}
        self._labels: dict[Any, str] = {}
        try:
            self.last_day = (scope.until - timedelta(microseconds=1)).astimezone(zone).date()
        except OverflowError:
            self.last_day = date.max

    # The list of tables ------------------------------------------------------------------------

    def all(self) -> list[Table]:
        pairs = [("export-sheet-pairs", self._pair_columns(), self._pair_rows),
                 ("export-sheet-meetings", self._meeting_columns(), self._meeting_rows),
                 ("export-sheet-plans", self._plan_columns(), self._plan_rows)]
        if self.mentor_id is not None:
            specs = [*pairs, ("export-sheet-results", self._result_columns(), self._result_rows)]
        else:
            specs = [("export-sheet-mentors", self._mentor_columns(), self._mentor_rows),
                     ("export-sheet-mentees", self._mentee_columns(), self._mentee_rows), *pairs]
        named = [(self.label(key), columns, rows) for key, columns, rows in specs]
        if self.mentor_id is None:
            named += [(questionnaire.title.get(self.locale), self._answer_columns(questionnaire),
                       self._answer_rows_of(questionnaire)) for questionnaire in self.catalog]
        names = sheet_names(name for name, _, _ in named)
        return [Table(name, [self._header(c) for c, _ in columns], [w for _, w in columns], rows)
                for name, (_, columns, rows) in zip(names, named, strict=True)]

    def _header(self, column: str) -> str:
        # Label keys start with "export-"; questionnaire columns are already question texts.
        return self.label(column) if column.startswith("export-") else column

    # Labels and values -------------------------------------------------------------------------

    def label(self, key: str, **params: Any) -> str:
        """The caller's lookup, remembered: a region repeats the same few labels (a role, «стаж
        2 года») hundreds of thousands of times, and Fluent formatting is not free."""
        cache_key = (key, *sorted(params.items())) if params else key
        found = self._labels.get(cache_key)
        if found is None:
            if len(self._labels) >= LABEL_CACHE:
                self._labels.clear()
            found = self._labels[cache_key] = self._label(key, **params)
        return found

    def prefixed(self, prefix: str, value: str | None) -> str:
        """The label of a stored code (`form-…`, `area-…`); the code itself if it has none."""
        if not value:
            return ""
        key = f"{prefix}{value}"
        if key not in self._labels:
            try:
                self._labels[key] = self._label(key)
            except Exception:  # an unknown code must not break the whole export
                self._labels[key] = value
        return self._labels[key]

    def options(self, field: str, values: Any) -> str:
        """Profile option ids as their labels, in the curator's language."""
        if values is None or values == []:
            return ""
        values = values if isinstance(values, list) else [values]
        question = self.profile_questions.get(field)
        return LIST_SEPARATOR.join(
            question.option_text(str(v), self.locale) if question else str(v) for v in values)

    def areas(self, areas: Iterable[str]) -> str:
        return LIST_SEPARATOR.join(self.prefixed("area-", area) for area in areas)

    def yes_no(self, value: bool | None) -> str:
        if value is None:
            return ""
        return self.label("answer-yes" if value else "answer-no")

    def local(self, moment: datetime | None) -> datetime | None:
        """A naive local time: what a spreadsheet cell can hold."""
        if moment is None:
            return None
        return moment.astimezone(self.zone).replace(tzinfo=None, microsecond=0)

    def day(self, moment: datetime | None) -> date | None:
        return None if moment is None else moment.astimezone(self.zone).date()

    def text(self, value: date | None) -> str:
        return value.strftime(DATE_FORMAT) if value else ""

    # Queries shared by the tables --------------------------------------------------------------

    @asynccontextmanager
    async def stream(self, query: Select):
        result = await self.session.stream(query)
        try:
            yield result.partitions(PARTITION)
        finally:
            await result.close()

    def pairs_filter(self, query: Select, *, period: bool) -> Select:
        """The pairs a sheet covers: the mentor's own that the access policy shares with them
        (active or completed), or those of the scope, with `period` only those that overlap
        it."""
        if self.mentor_id is not None:
            return query.where(Pair.id.in_(access.shared_pairs(self.mentor_id, MENTOR)))
        query = self.scope.pairs(query)
        if period:
            query = query.where(
                or_(Pair.ended_at.is_(None), Pair.ended_at >= self.scope.since),
                or_(Pair.started_on.is_(None), Pair.started_on <= self.last_day))
        return query

    def people(self, roles: Sequence[str], *extra: Any) -> Select:
        return self.scope.roles(
            select(UserRole.user_id, UserRole.role, UserRole.form, UserRole.confirmed_at,
                   School.name.label("school"), User.username, User.telegram_id,
                   Profile.full_name, Profile.subjects, Profile.grade, Profile.experience_years,
                   *extra)
            .join(User, User.id == UserRole.user_id)
            .outerjoin(School, School.id == UserRole.school_id)
            .outerjoin(Profile, Profile.user_id == UserRole.user_id)
            .where(UserRole.role.in_(roles))
            .order_by(School.name, Profile.full_name, UserRole.user_id))

    async def partner_pairs(self, user_ids: list[int], side: str) -> dict[int, list[_PairSpan]]:
        """The pairs (not cancelled) in which each person is on `side`, oldest first, with the
        names of the other side."""
        if not user_ids:
            return {}
        own, other = aliased(PairMember), aliased(PairMember)
        query = self.pairs_filter(
            select(own.user_id, Pair.id, Pair.status, Pair.started_on, Pair.planned_end,
                   Pair.ended_at, other.id, Profile.full_name)
            .join(Pair, Pair.id == own.pair_id)
            .outerjoin(other, (other.pair_id == Pair.id) & (other.side != side))
            .outerjoin(Profile, Profile.user_id == other.user_id)
            .where(own.side == side, own.user_id.in_(user_ids),
                   Pair.status != PairStatus.CANCELLED)
            .order_by(own.user_id, Pair.id, other.id), period=True)
        found: dict[int, dict[int, _PairSpan]] = {}
        for user_id, pair_id, status, started, planned, ended, partner, name in \
                await self.session.execute(query):
            spans = found.setdefault(user_id, {})
            if pair_id not in spans:
                spans[pair_id] = _PairSpan(status, started, self.day(ended) or planned, [])
            if partner is not None:
                spans[pair_id].partner_names.append(_name(name))
        return {user_id: list(spans.values()) for user_id, spans in found.items()}

    async def mentee_names(self, pair_ids: Iterable[int]) -> dict[int, str]:
        ids = sorted(set(pair_ids))
        if not ids:
            return {}
        rows = await self.session.execute(
            select(PairMember.pair_id, Profile.full_name)
            .outerjoin(Profile, Profile.user_id == PairMember.user_id)
            .where(PairMember.pair_id.in_(ids), PairMember.side == MENTEE)
            .order_by(PairMember.pair_id, PairMember.id))
        names: dict[int, list[str]] = {}
        for pair_id, name in rows:
            names.setdefault(pair_id, []).append(_name(name))
        return {pair_id: LIST_SEPARATOR.join(found) for pair_id, found in names.items()}

    async def diagnoses(self, user_ids: list[int]) -> tuple[dict[int, dict], dict[int, dict]]:
        if not user_ids:
            return {}, {}
        return await reports.diagnoses(self.session, self.scope, user_ids)

    async def strengths(self, user_ids: list[int]) -> dict[int, list[str]]:
        """The areas each mentor rated as strengths (COVERED_FROM and up) in their latest
        completed diagnosis_mentor, in questionnaire order."""
        if not user_ids:
            return {}
        latest = (select(Response.user_id, func.max(Response.id).label("response_id"))
                  .where(Response.questionnaire_code == DIAGNOSIS_MENTOR,
                         Response.completed_at.is_not(None),
                         Response.completed_at < self.scope.until,
                         Response.user_id.in_(user_ids))
                  .group_by(Response.user_id).subquery())
        rows = await self.session.execute(
            select(latest.c.user_id, Answer.question_id, Answer.value)
            .join(Answer, Answer.response_id == latest.c.response_id)
            .where(Answer.question_id.in_(AREAS)))
        strong: dict[int, set[str]] = {}
        for user_id, area, value in rows:
            score = _number(value)
            if score is not None and score >= COVERED_FROM:
                strong.setdefault(user_id, set()).add(area)
        return {user_id: [a for a in AREAS if a in areas] for user_id, areas in strong.items()}

    # Base of mentors ---------------------------------------------------------------------------

    def _mentor_columns(self) -> list[tuple[str, int]]:
        return [("export-col-name", 32), ("export-col-role", 22), ("export-col-school", 24),
                ("export-col-form", 18), ("export-col-contact", 22),
                ("export-col-workplace", 36), ("export-col-competences", 40),
                ("export-col-experience", 10), ("export-col-mentor-types", 30),
                ("export-col-mentees", 36), ("export-col-dates", 24),
                ("export-col-results", 20), ("export-col-confirmed", 13)]

    async def _mentor_rows(self) -> AsyncIterator[Row]:
        query = self.people(MENTOR_ROLES, Profile.mentor_types, Profile.help_offered)
        async with self.stream(query) as partitions:
            async for part in partitions:
                ids = sorted({row.user_id for row in part})
                strengths = await self.strengths(ids)
                pairs = await self.partner_pairs(ids, MENTOR)
                for row in part:
                    own = pairs.get(row.user_id, [])
                    yield [
                        _name(row.full_name), self.prefixed("role-", row.role), row.school or "",
                        self.prefixed("form-", row.form), _contact(row.username, row.telegram_id),
                        self._workplace(row), self._competences(row, strengths),
                        row.experience_years, self.options("mentor_types", row.mentor_types),
                        LIST_SEPARATOR.join(dict.fromkeys(
                            name for span in own for name in span.partner_names)),
                        self._dates(own), self._pair_results(own), self.day(row.confirmed_at),
                    ]

    def _workplace(self, row: Any) -> str:
        if row.role == Role.MENTOR_PUPIL:
            position = (self.label("export-position-pupil-grade", grade=row.grade)
                        if row.grade is not None else self.label("export-position-pupil"))
        else:
            subjects = self.options("subjects", row.subjects)
            position = (self.label("export-position-teacher-subjects", subjects=subjects)
                        if subjects else self.label("export-position-teacher"))
        return f"{row.school}, {position}" if row.school else position

    def _competences(self, row: Any, strengths: dict[int, list[str]]) -> str:
        # Pupils take no diagnosis: what they offer to help with is their competence.
        if row.role == Role.MENTOR_PUPIL:
            return self.options("help_offered", row.help_offered)
        return self.areas(strengths.get(row.user_id, []))

    def _dates(self, spans: list[_PairSpan]) -> str:
        starts = [s.started_on for s in spans if s.started_on]
        ends = [s.end for s in spans if s.end]
        if not starts and not ends:
            return ""
        return f"{self.text(min(starts, default=None))} – {self.text(max(ends, default=None))}"

    def _pair_results(self, spans: list[_PairSpan]) -> str:
        if not spans:
            return ""
        done = sum(1 for s in spans if s.status == PairStatus.COMPLETED)
        return self.label("export-pairs-result", done=done, total=len(spans))

    # Base of mentees ---------------------------------------------------------------------------

    def _mentee_columns(self) -> list[tuple[str, int]]:
        return [("export-col-name", 32), ("export-col-role", 22), ("export-col-school", 24),
                ("export-col-form", 18), ("export-col-contact", 22),
                ("export-col-grade-or-experience", 30), ("export-col-request", 40),
                ("export-col-entered", 13), ("export-col-mentor", 32),
                ("export-col-completed", 13), ("export-col-results", 12)]

    async def _mentee_rows(self) -> AsyncIterator[Row]:
        query = self.people(MENTEE_ROLES, Profile.mentee_category, Profile.help_wanted)
        async with self.stream(query) as partitions:
            async for part in partitions:
                ids = sorted({row.user_id for row in part})
                teachers = sorted({row.user_id for row in part
                                   if row.role == Role.MENTEE_TEACHER})
                first, last = await self.diagnoses(teachers)
                pairs = await self.partner_pairs(ids, MENTEE)
                for row in part:
                    # The latest pair tells the mentor and the dates.
                    span = (pairs.get(row.user_id) or [None])[-1]
                    teacher = row.role == Role.MENTEE_TEACHER
                    entry = first.get(row.user_id) if teacher else None
                    yield [
                        _name(row.full_name), self.prefixed("role-", row.role), row.school or "",
                        self.prefixed("form-", row.form), _contact(row.username, row.telegram_id),
                        self._standing(row),
                        self._request(entry) if teacher else self.options("help_wanted",
                                                                         row.help_wanted),
                        span.started_on if span else None,
                        LIST_SEPARATOR.join(span.partner_names) if span else "",
                        span.end if span else None,
                        self._progress(entry, last.get(row.user_id)),
                    ]

    def _standing(self, row: Any) -> str:
        if row.role == Role.MENTEE_PUPIL:
            return self.label("export-grade", grade=row.grade) if row.grade is not None else ""
        parts = []
        if row.experience_years is not None:
            parts.append(self.label("export-experience", years=row.experience_years))
        if row.mentee_category:
            parts.append(self.options("mentee_category", row.mentee_category))
        return LIST_SEPARATOR.join(parts)

    def _request(self, entry: dict | None) -> str:
        if not entry:
            return ""
        return self.areas(a for a in AREAS
                          if (score := _number(entry.get(a))) is not None and score >= WEAK_FROM)

    @staticmethod
    def _progress(first: dict | None, last: dict | None) -> str:
        if not first:
            return ""
        before = reports.difficulty(first)
        if last is None or last is first:
            return str(before)
        return f"{before} → {reports.difficulty(last)}"

    # Pairs -------------------------------------------------------------------------------------

    def _pair_columns(self) -> list[tuple[str, int]]:
        return [("export-col-pair", 8), ("export-col-school", 24), ("export-col-form", 18),
                ("export-col-variant", 30), ("export-col-status", 16),
                ("export-col-mentor", 32), ("export-col-mentees", 36),
                ("export-col-start", 13), ("export-col-planned-end", 13),
                ("export-col-end", 13), ("export-col-order-number", 12),
                ("export-col-order-date", 13), ("export-col-meetings-held", 12),
                ("export-col-plan-done", 12), ("export-col-plan-total", 12)]

    def _mentor_side(self) -> tuple[Any, Any]:
        return aliased(PairMember), aliased(Profile)

    async def _pair_rows(self) -> AsyncIterator[Row]:
        mentor, mentor_profile = self._mentor_side()
        held = (select(func.count(Meeting.id))
                .where(Meeting.pair_id == Pair.id, Meeting.status == MeetingStatus.ACCEPTED,
                       Meeting.held.is_not(False), Meeting.starts_at >= self.scope.since,
                       Meeting.starts_at < min(self.scope.until, self.now))
                .correlate(Pair).scalar_subquery())
        done = (select(func.count(PlanItem.id))
                .where(PlanItem.pair_id == Pair.id, PlanItem.done_at.is_not(None))
                .correlate(Pair).scalar_subquery())
        total = (select(func.count(PlanItem.id)).where(PlanItem.pair_id == Pair.id)
                 .correlate(Pair).scalar_subquery())
        query = self.pairs_filter(
            select(Pair.id, School.name, Pair.form, Pair.variant, Pair.status,
                   mentor_profile.full_name, Pair.started_on, Pair.planned_end, Pair.ended_at,
                   Pair.order_number, Pair.order_date, held, done, total)
            .join(School, School.id == Pair.school_id)
            .outerjoin(mentor, (mentor.pair_id == Pair.id) & (mentor.side == MENTOR))
            .outerjoin(mentor_profile, mentor_profile.user_id == mentor.user_id)
            .order_by(Pair.id), period=True)
        async with self.stream(query) as partitions:
            async for part in partitions:
                mentees = await self.mentee_names(row[0] for row in part)
                for (pair_id, school, form, variant, status, mentor_name, started, planned,
                     ended, order_number, order_date, held_count, done_count, items) in part:
                    yield [pair_id, school, self.prefixed("form-", form),
                           self.prefixed("variant-", variant),
                           self.prefixed("pair-status-", status), _name(mentor_name),
                           mentees.get(pair_id, ""), started, planned, self.day(ended),
                           order_number or "", order_date, held_count, done_count, items]

    # Meetings ----------------------------------------------------------------------------------

    def _meeting_columns(self) -> list[tuple[str, int]]:
        return [("export-col-pair", 8), ("export-col-school", 24), ("export-col-mentor", 32),
                ("export-col-mentees", 36), ("export-col-when", 17),
                ("export-col-minutes", 8), ("export-col-place", 24),
                ("export-col-topic", 32), ("export-col-model", 30),
                ("export-col-status", 16), ("export-col-held", 11),
                ("export-col-note", 48), ("export-col-rating", 11)]

    async def _meeting_rows(self) -> AsyncIterator[Row]:
        mentor, mentor_profile = self._mentor_side()
        query = self.pairs_filter(
            select(Meeting.pair_id, School.name, mentor_profile.full_name, Meeting.starts_at,
                   Meeting.minutes, Meeting.place, Meeting.topic, Meeting.model, Meeting.status,
                   Meeting.held, Meeting.mentor_note, Meeting.mentee_rating)
            .join(Pair, Pair.id == Meeting.pair_id)
            .join(School, School.id == Pair.school_id)
            .outerjoin(mentor, (mentor.pair_id == Pair.id) & (mentor.side == MENTOR))
            .outerjoin(mentor_profile, mentor_profile.user_id == mentor.user_id)
            .where(Meeting.starts_at >= self.scope.since, Meeting.starts_at < self.scope.until)
            .order_by(Meeting.starts_at, Meeting.id), period=False)
        async with self.stream(query) as partitions:
            async for part in partitions:
                mentees = await self.mentee_names(row[0] for row in part)
                for (pair_id, school, mentor_name, starts_at, minutes, place, topic, model,
                     status, held, note, rating) in part:
                    yield [pair_id, school, _name(mentor_name), mentees.get(pair_id, ""),
                           self.local(starts_at), minutes, place, topic,
                           self.prefixed("model-", model),
                           self.prefixed("export-meeting-status-", status), self.yes_no(held),
                           note or "", rating]

    # Individual plans --------------------------------------------------------------------------

    def _plan_columns(self) -> list[tuple[str, int]]:
        return [("export-col-pair", 8), ("export-col-mentor", 32), ("export-col-mentees", 36),
                ("export-col-number", 5), ("export-col-goal", 48), ("export-col-area", 36),
                ("export-col-due", 13), ("export-col-done", 13)]

    async def _plan_rows(self) -> AsyncIterator[Row]:
        mentor, mentor_profile = self._mentor_side()
        query = self.pairs_filter(
            select(PlanItem.pair_id, mentor_profile.full_name, PlanItem.goal, PlanItem.area,
                   PlanItem.due_on, PlanItem.done_at)
            .join(Pair, Pair.id == PlanItem.pair_id)
            .outerjoin(mentor, (mentor.pair_id == Pair.id) & (mentor.side == MENTOR))
            .outerjoin(mentor_profile, mentor_profile.user_id == mentor.user_id)
            .order_by(PlanItem.pair_id, PlanItem.position, PlanItem.id), period=True)
        current, number = None, 0
        async with self.stream(query) as partitions:
            async for part in partitions:
                mentees = await self.mentee_names(row[0] for row in part)
                for pair_id, mentor_name, goal, area, due_on, done_at in part:
                    # Numbered as /plan shows them.
                    number = number + 1 if pair_id == current else 1
                    current = pair_id
                    if not goal and area:
                        goal = self.label("plan-area-goal", area=self.prefixed("area-", area))
                    yield [pair_id, _name(mentor_name), mentees.get(pair_id, ""), number,
                           goal or "", self.prefixed("area-", area), due_on, self.day(done_at)]

    # Results of the mentor's mentees -----------------------------------------------------------

    def _result_columns(self) -> list[tuple[str, int]]:
        return [("export-col-mentee", 32), ("export-col-area", 40), ("export-col-before", 8),
                ("export-col-after", 8)]

    async def _result_rows(self) -> AsyncIterator[Row]:
        query = self.pairs_filter(
            select(PairMember.user_id, Profile.full_name)
            .join(Pair, Pair.id == PairMember.pair_id)
            .outerjoin(Profile, Profile.user_id == PairMember.user_id)
            .where(PairMember.side == MENTEE)
            .distinct().order_by(Profile.full_name, PairMember.user_id), period=False)
        # One mentor's mentees: a handful of people.
        mentees = list((await self.session.execute(query)).all())
        first, last = await self.diagnoses([user_id for user_id, _ in mentees])
        for user_id, name in mentees:
            if user_id not in first:
                continue
            before, after = first[user_id], last[user_id]
            for area in AREAS:
                yield [_name(name), self.prefixed("area-", area), _number(before.get(area)),
                       None if after is before else _number(after.get(area))]

    # Questionnaires ----------------------------------------------------------------------------

    def _answer_columns(self, questionnaire: Questionnaire) -> list[tuple[str, int]]:
        return [("export-col-name", 32), ("export-col-role", 22), ("export-col-school", 24),
                ("export-col-started", 17), ("export-col-finished", 17)] + [
            (question.text.get(self.locale), 30 if question.type is QuestionType.TEXT else 16)
            for question in questionnaire.questions]

    def _answer_rows_of(self, questionnaire: Questionnaire) -> Callable[[], AsyncIterator[Row]]:
        return lambda: self._answer_rows(questionnaire)

    async def _answer_rows(self, questionnaire: Questionnaire) -> AsyncIterator[Row]:
        """One row per response of people of the scope active in the period, built from the
        answers streamed in response order. Who answered and when is read once per response,
        for the responses of each partition, not repeated on every answer."""
        questions = {q.id: index for index, q in enumerate(questionnaire.questions)}
        query = self.scope.roles(
            select(Response.id, Answer.question_id, Answer.value, Answer.skipped)
            .join(UserRole, (UserRole.user_id == Response.user_id)
                  & (UserRole.role == Response.role))
            .outerjoin(Answer, Answer.response_id == Response.id)
            .where(Response.questionnaire_code == questionnaire.id,
                   Response.started_at < self.scope.until,
                   or_(Response.completed_at.is_(None),
                       Response.completed_at >= self.scope.since))
            .order_by(Response.id))
        pending: list[Any] = []   # [response id, head cells, answers by question index]
        async with self.stream(query) as partitions:
            async for part in partitions:
                heads = await self._heads({row[0] for row in part} - set(pending[:1]))
                done: list[Any] = []
                for response_id, question_id, value, skipped in part:
                    if not pending or pending[0] != response_id:
                        if pending:
                            done.append(pending)
                        pending = [response_id, heads[response_id], [None] * len(questions)]
                    if question_id in questions and not skipped and value is not None:
                        pending[2][questions[question_id]] = value
                for row in await self._render(questionnaire, done):
                    yield row
        if pending:
            for row in await self._render(questionnaire, [pending]):
                yield row

    async def _heads(self, response_ids: set[int]) -> dict[int, list[Value]]:
        """Name, role, school, started and completed of each of these responses."""
        rows = await self.session.execute(
            select(Response.id, Profile.full_name, Response.role, School.name,
                   Response.started_at, Response.completed_at)
            .join(UserRole, (UserRole.user_id == Response.user_id)
                  & (UserRole.role == Response.role))
            .outerjoin(School, School.id == UserRole.school_id)
            .outerjoin(Profile, Profile.user_id == Response.user_id)
            .where(Response.id.in_(sorted(response_ids))))
        return {response_id: [_name(name), self.prefixed("role-", role), school or "",
                              self.local(started_at), self.local(completed_at)]
                for response_id, name, role, school, started_at, completed_at in rows}

    async def _render(self, questionnaire: Questionnaire, responses: list[Any]) -> list[Row]:
        # Choices filled from the database hold people's ids: their names are looked up for
        # this batch of responses only.
        people: set[int] = set()
        for index, question in enumerate(questionnaire.questions):
            if question.options_from is None:
                continue
            for _, _, values in responses:
                chosen = values[index]
                for value in chosen if isinstance(chosen, list) else [chosen]:
                    if value is not None and str(value).isdigit():
                        people.add(int(value))
        names: dict[int, str] = {}
        if people:
            rows = await self.session.execute(
                select(Profile.user_id, Profile.full_name)
                .where(Profile.user_id.in_(sorted(people))))
            names = {user_id: _name(name) for user_id, name in rows}
        return [head + [self._answer(question, value, names)
                        for question, value in zip(questionnaire.questions, values, strict=True)]
                for _, head, values in responses]

    def _answer(self, question: Question, value: Any, names: dict[int, str]) -> Value:
        if value is None:
            return None
        kind = question.type
        if kind in (QuestionType.SINGLE, QuestionType.MULTIPLE):
            chosen = value if isinstance(value, list) else [value]
            return LIST_SEPARATOR.join(self._option(question, v, names) for v in chosen)
        if kind is QuestionType.YES_NO and isinstance(value, bool):
            return self.yes_no(value)
        if kind in (QuestionType.SCALE, QuestionType.NUMBER) and _number(value) is not None:
            return value
        return value if isinstance(value, str) else str(value)

    def _option(self, question: Question, value: Any, names: dict[int, str]) -> str:
        if question.options_from is not None:
            return names.get(int(value), NO_NAME) if str(value).isdigit() else str(value)
        return question.option_text(str(value), self.locale)

