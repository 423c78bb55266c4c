"""The tables of an export: the shared lookups (labels, the scope's filters, the streams, what
a partition of rows needs from other tables), and the tables themselves, by what they hold."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.matching import AREAS, COVERED_FROM
from domain.profile import ProfileForm
from domain.questionnaire import Catalog, QuestionType
from models import (
    Answer,
    Pair,
    PairMember,
    Profile,
    Response,
    School,
    User,
    UserRole,
)
from services import access, purposes, reports
from services.export.answers import AnswerTables
from services.export.cells import sheet_names
from services.export.helpers import PairSpan, as_number, person_name
from services.export.people import PeopleTables
from services.export.table import (
    DATE_FORMAT,
    LABEL_CACHE,
    LIST_SEPARATOR,
    PARTITION,
    Label,
    Table,
)
from services.export.work import WorkTables
from services.pairs import MENTEE, MENTOR, PairStatus


class Lookups:
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
            # Each questionnaire's sheet is named by its short title, whole (no word cut).
            named += [(self.catalog.short_title(questionnaire.id, self.locale),
                       self._answer_columns(questionnaire), self._answer_rows_of(questionnaire))
                      for questionnaire in self.catalog]
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
        return self.scope.pairs(query, in_period=period)

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

    async def partner_pairs(self, user_ids: list[int], side: str) -> dict[int, list[PairSpan]]:
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
        found: dict[int, dict[int, PairSpan]] = {}
        for user_id, pair_id, status, started, planned, ended, partner, name in \
                await self.session.execute(query):
            spans = found.setdefault(user_id, {})
            if pair_id not in spans:
                spans[pair_id] = PairSpan(status, started, self.day(ended) or planned, [])
            if partner is not None:
                spans[pair_id].partner_names.append(person_name(name))
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
            names.setdefault(pair_id, []).append(person_name(name))
        return {pair_id: LIST_SEPARATOR.join(found) for pair_id, found in names.items()}

    async def diagnoses(self, user_ids: list[int]) -> tuple[dict[int, dict], dict[int, dict]]:
        if not user_ids:
            return {}, {}
        return await reports.diagnoses(self.session, self.scope, user_ids)

    async def satisfaction(self, user_ids: list[int]) -> dict[int, str]:
        """The average of the scale items of each person's latest completed satisfaction
        questionnaire up to the end of the period, as text («8,5»)."""
        codes = purposes.of(self.session).satisfaction
        scales = {q.id for questionnaire in self.catalog if questionnaire.id in codes
                  for q in questionnaire.questions if q.type is QuestionType.SCALE}
        if not user_ids or not scales:
            return {}
        latest = (select(Response.user_id, func.max(Response.id).label("response_id"))
                  .where(Response.questionnaire_code.in_(codes),
                         Response.completed_at.is_not(None),
                         Response.completed_at < self.scope.until,
                         Response.user_id.in_(user_ids))
                  .group_by(Response.user_id).subquery())
        rows = await self.session.execute(
            select(latest.c.user_id, Answer.value)
            .join(Answer, Answer.response_id == latest.c.response_id)
            .where(Answer.question_id.in_(sorted(scales))))
        scores: dict[int, list[float]] = {}
        for user_id, value in rows:
            score = as_number(value)
            if score is not None:
                scores.setdefault(user_id, []).append(score)
        point = "," if self.locale == "ru" else "."
        return {user_id: f"{sum(found) / len(found):.1f}".replace(".", point)
                for user_id, found in scores.items()}

    async def strengths(self, user_ids: list[int]) -> dict[int, list[str]]:
        """The areas each mentor rated as strengths (COVERED_FROM and up) in their latest
        completed diagnosis of strengths (services.purposes), in questionnaire order."""
        if not user_ids:
            return {}
        latest = (select(Response.user_id, func.max(Response.id).label("response_id"))
                  .where(Response.questionnaire_code == purposes.of(self.session).strengths,
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
            score = as_number(value)
            if score is not None and score >= COVERED_FROM:
                strong.setdefault(user_id, set()).add(area)
        return {user_id: [a for a in AREAS if a in areas] for user_id, areas in strong.items()}


class Tables(PeopleTables, WorkTables, AnswerTables, Lookups):
    """Every table an export writes."""
