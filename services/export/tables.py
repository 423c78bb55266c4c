"""The tables of an export: the shared lookups (labels, the scope's filters, the streams, what
a partition of rows needs from other tables), and the tables themselves, by what they hold."""

from __future__ import annotations

from collections.abc import Collection, Iterable, Sequence
from contextlib import asynccontextmanager
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import ScalarSelect, Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.matching import COVERED_FROM
from domain.profile import ProfileForm
from domain.questionnaire import Catalog, QuestionType
from models import (
    Pair,
    PairMember,
    Profile,
    School,
    User,
    UserRole,
    response_scores,
)
from models.surveys import score_column
from services import access, purposes, reports, scores
from services.export.answers import AnswerTables
from services.export.cells import sheet_names
from services.export.helpers import PairSpan, person_name
from services.export.people import PeopleTables
from services.export.table import (
    DATE_FORMAT,
    LABEL_CACHE,
    LIST_SEPARATOR,
    PAIRS_REMEMBERED,
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
        # The diagnosis areas, in the deficits questionnaire's order (services.purposes).
        self.areas_order = purposes.of(session).areas
        self.profile_questions = {q.field: q for q in profile.questions} if profile else {}
        self._labels: dict[Any, str] = {}
        self._questions: dict[tuple[str, int], list[str]] = {}
        self._questions_read: set[str] = set()
        self._mentees: dict[int, str] = {}
        try:
            self.last_day = (scope.until - timedelta(microseconds=1)).astimezone(zone).date()
        except OverflowError:
            self.last_day = date.max

    # The list of tables ------------------------------------------------------------------------

    def all(self) -> list[Table]:
        """The tables in their order; `second`: made by another process if split."""
        pairs = [("export-sheet-pairs", self._pair_columns(), self._pair_rows, True),
                 ("export-sheet-meetings", self._meeting_columns(), self._meeting_rows, False),
                 ("export-sheet-plans", self._plan_columns(), self._plan_rows, True)]
        if self.mentor_id is not None:
            specs = [*pairs, ("export-sheet-results", self._result_columns(), self._result_rows,
                              False)]
        else:
            specs = [("export-sheet-mentors", self._mentor_columns(), self._mentor_rows, False),
                     ("export-sheet-mentees", self._mentee_columns(), self._mentee_rows, False),
                     *pairs]
        named = [(self.label(key), columns, rows, second)
                 for key, columns, rows, second in specs]
        if self.mentor_id is None:
            # Each questionnaire's sheet is named by its short title, whole (no word cut).
            named += [(self.catalog.short_title(questionnaire.id, self.locale),
                       self._answer_columns(questionnaire), self._answer_rows_of(questionnaire),
                       True)
                      for questionnaire in self.catalog]
        names = sheet_names(name for name, _, _, _ in named)
        return [Table(name, [self._header(c) for c, _ in columns], [w for _, w in columns], rows,
                      second)
                for name, (_, columns, rows, second) in zip(names, named, strict=True)]

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
        """The mentees' names of each pair, for the pairs, meetings and plans sheets. Meetings
        come by date, so one partition names about as many pairs as there are, mostly the same
        as the last: the names are remembered across partitions (a region has some tens of
        thousands of pairs; past PAIRS_REMEMBERED they are forgotten and read again), and only
        pairs not met before are asked for."""
        wanted = set(pair_ids)
        missing = sorted(wanted - self._mentees.keys())
        if missing:
            if len(self._mentees) + len(missing) > PAIRS_REMEMBERED:
                self._mentees.clear()
            rows = await self.session.execute(
                select(PairMember.pair_id, Profile.full_name)
                .outerjoin(Profile, Profile.user_id == PairMember.user_id)
                .where(PairMember.pair_id.in_(missing), PairMember.side == MENTEE)
                .order_by(PairMember.pair_id, PairMember.id))
            names: dict[int, list[str]] = {pair_id: [] for pair_id in missing}
            for pair_id, name in rows:
                names[pair_id].append(person_name(name))
            self._mentees.update((pair_id, LIST_SEPARATOR.join(found))
                                 for pair_id, found in names.items())
        return {pair_id: self._mentees[pair_id] for pair_id in wanted
                if self._mentees.get(pair_id)}

    async def diagnoses(self, user_ids: list[int]) -> tuple[dict[int, dict], dict[int, dict]]:
        if not user_ids:
            return {}, {}
        return await reports.diagnoses(self.session, self.scope, user_ids)

    def latest_response(self, codes: Collection[str]) -> ScalarSelect:
        """SQL, for a query over UserRole: the person's latest completed response to any of
        these questionnaires up to the end of the period, from the responses' rollup. Asked
        row by row of the people's stream (an index probe each) rather than for a thousand
        people at a time, which PostgreSQL answered by scanning every rollup row of those
        questionnaires, once a partition."""
        rollup = response_scores.c
        return (select(func.max(rollup.response_id))
                .where(rollup.user_id == UserRole.user_id,
                       rollup.questionnaire_code.in_(sorted(codes)),
                       rollup.completed_at < self.scope.until)
                .scalar_subquery())

    async def scores_of(self, codes: Collection[str], response_ids: Iterable[int | None]
                        ) -> dict[int, dict[str, int]]:
        """The integer answers of these completed responses to these questionnaires by
        question id, from the rollup
        (services.scores): one row a response rather than every answer with its JSON decoded
        one by one (the region's bases spent most of their time there)."""
        ids = sorted({response_id for response_id in response_ids if response_id is not None})
        if not ids:
            return {}
        questions = await self.question_lists(codes)
        width = max((len(ids) for ids in questions.values()), default=0)
        rollup = response_scores.c
        rows = await self.session.execute(
            select(rollup.response_id, rollup.questionnaire_code, rollup.questionnaire_version,
                   *(rollup[score_column(n)] for n in range(width)))
            .where(rollup.response_id.in_(ids)))
        return {response_id: {question: value for question, value in zip(
                    questions.get((code, version), ()), values, strict=False)
                    if value is not None}
                for response_id, code, version, *values in rows}

    async def question_lists(self, codes: Collection[str]) -> dict[tuple[str, int], list[str]]:
        """What the rollup's positions stand for, read once an export."""
        wanted = set(codes) - self._questions_read
        if wanted:
            self._questions.update(await scores.question_lists(self.session, wanted))
            self._questions_read |= wanted
        return self._questions

    def latest_satisfaction(self) -> ScalarSelect:
        return self.latest_response(purposes.of(self.session).satisfaction)

    async def satisfaction(self, response_ids: Iterable[int | None]) -> dict[int, str]:
        """The average of the scale items of these satisfaction questionnaires (each person's
        latest: `latest_satisfaction`) by response, as text («8,5»)."""
        codes = purposes.of(self.session).satisfaction
        scales = {q.id for questionnaire in self.catalog if questionnaire.id in codes
                  for q in questionnaire.questions if q.type is QuestionType.SCALE}
        point = "," if self.locale == "ru" else "."
        averages = {}
        for response_id, answers in (await self.scores_of(codes, response_ids)).items():
            found = [value for question, value in answers.items() if question in scales]
            if found:
                averages[response_id] = f"{sum(found) / len(found):.1f}".replace(".", point)
        return averages

    def latest_strengths(self) -> ScalarSelect:
        return self.latest_response([purposes.of(self.session).strengths])

    async def strengths(self, response_ids: Iterable[int | None]) -> dict[int, list[str]]:
        """The areas rated as strengths (COVERED_FROM and up) in these diagnoses of strengths
        (each mentor's latest: `latest_strengths`) by response, in questionnaire order."""
        found = await self.scores_of([purposes.of(self.session).strengths], response_ids)
        strong = {response_id: [area for area in self.areas_order
                                if answers.get(area, -1) >= COVERED_FROM]
                  for response_id, answers in found.items()}
        return {response_id: areas for response_id, areas in strong.items() if areas}


class Tables(PeopleTables, WorkTables, AnswerTables, Lookups):
    """Every table an export writes."""
