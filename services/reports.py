"""The curator's scope (a school, several schools or the whole region, a form, a period) and
what it shows person by person: who is in it, who has not completed a questionnaire, each
mentee's first and latest diagnosis, meetings by week. The summary's totals are in
services.figures, computed by the database.

Every query filters by joining the people's roles instead of passing lists of ids, so a region
of a hundred thousand people stays within the database's parameter limits.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    Select,
    and_,
    case,
    func,
    literal,
    or_,
    select,
)
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from domain.roles import Role
from models import Answer, Meeting, Pair, Profile, Response, User, UserRole
from models.base import JsonValue
from services import purposes
from services.meetings import MeetingStatus
from services.pairs import PairStatus

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
YOUNG_YEARS = 3
HIGH_SCORE = 8


class json_integer(FunctionElement):
    """A JSON value (Answer.value) as an integer where it is a JSON integer, as
    `isinstance(value, int)` has it in Python (not a boolean, not 2.0), NULL otherwise. One
    CASE: PostgreSQL may cast before it filters, and '"text"'::jsonb::bigint fails. Written out
    with no bound parameters, so it can be grouped by."""

    type = BigInteger()
    name = "json_integer"
    inherit_cache = True


@compiles(json_integer, "postgresql")
def _json_integer_postgresql(element: json_integer, compiler, **kw) -> str:
    value = compiler.process(element.clauses, **kw)
    # jsonb_typeof says 'number' for 2.0 too. A jsonb number keeps its scale (2.0 has 1) and is
    # sent to Python as written, so scale 0 is what Python reads as an int; it costs a tenth of
    # matching the text.
    return (f"CASE WHEN jsonb_typeof({value}) = 'number' AND scale(({value})::numeric) = 0 "
            f"THEN ({value})::bigint END")


@compiles(json_integer, "sqlite")
def _json_integer_sqlite(element: json_integer, compiler, **kw) -> str:
    value = compiler.process(element.clauses, **kw)
    # A JSON column has NUMERIC affinity in SQLite: a JSON integer is stored as an integer,
    # and typeof costs far less than parsing the text with json_type.
    return f"CASE WHEN typeof({value}) = 'integer' THEN {value} END"


class answer_object(FunctionElement):
    """Answers (question id, value) aggregated as one JSON object, decoded as such: one value
    to decode per response instead of one per answer. Over no answers PostgreSQL gives NULL,
    SQLite an empty object."""

    type = JsonValue
    name = "answer_object"
    inherit_cache = True


@compiles(answer_object, "postgresql")
def _answer_object_postgresql(element: answer_object, compiler, **kw) -> str:
    return f"jsonb_object_agg({compiler.process(element.clauses, **kw)})"


@compiles(answer_object, "sqlite")
def _answer_object_sqlite(element: answer_object, compiler, **kw) -> str:
    question, value = (compiler.process(clause, **kw) for clause in element.clauses)
    # A JSON column has NUMERIC affinity: integers and reals come back as numbers, the rest as
    # JSON text. A real is printed with 17 digits, which read back as the same double (SQLite's
    # own JSON text for a real keeps 15).
    return (f"json_group_object({question}, CASE typeof({value}) "
            f"WHEN 'text' THEN json({value}) "
            f"WHEN 'real' THEN json(printf('%!.17g', {value})) ELSE {value} END)")


@dataclass(frozen=True)
class Scope:
    """What a figure covers: schools (None: every school), a form (None: all) and a period
    [since, until) as moments.

    People and pairs follow the period too. A person is in it if their role began before the
    period ended (UserRole.created_at) and had not ended before it began. A role has no end of
    its own: only withdrawing consent (/delete_me, User.erased_at) ends it, so the moment of
    withdrawal is its end. A move to another school is not recorded either: a person counts
    in the school their role is in now. A pair is in the period if it was proposed before the
    period ended and had not ended before it began (Pair.created_at, Pair.ended_at)."""

    school_ids: tuple[int, ...] | None
    form: str | None
    since: datetime
    until: datetime

    @property
    def last_day(self) -> date:
        """The period's last day, in the time zone its moments are given in."""
        try:
            return (self.until - timedelta(microseconds=1)).date()
        except OverflowError:
            return date.max

    def roles(self, query: Select, *, with_erased: bool = False,
              withdrawn: bool = False) -> Select:
        """Limit a query that joins UserRole to the people of the scope whose role began
        before the period ended and who are still in the programme. `withdrawn` also keeps
        those who withdrew consent during or after the period (they took part in it);
        `with_erased` keeps everyone who withdrew, whose answers stay in the figures
        anonymously."""
        active = UserRole.is_active.is_(True)
        if with_erased:
            active = or_(active, UserRole.user_id.in_(
                select(User.id).where(User.erased_at.is_not(None))))
        elif withdrawn:
            active = or_(active, UserRole.user_id.in_(
                select(User.id).where(User.erased_at >= self.since)))
        query = query.where(active, UserRole.created_at < self.until)
        if self.school_ids is not None:
            query = query.where(UserRole.school_id.in_(self.school_ids))
        if self.form is not None:
            query = query.where(UserRole.form == self.form)
        return query

    def pairs(self, query: Select, *, in_period: bool = False) -> Select:
        """Limit a query over Pair to the scope's schools and form; `in_period`: also to the
        pairs that existed at some moment of the period."""
        if self.school_ids is not None:
            query = query.where(Pair.school_id.in_(self.school_ids))
        if self.form is not None:
            query = query.where(Pair.form == self.form)
        if in_period:
            query = query.where(Pair.created_at < self.until,
                                or_(Pair.ended_at.is_(None), Pair.ended_at >= self.since))
        return query

    def pair_state(self) -> ColumnElement:
        """A pair's status as it was when the period ended: ended by then as it ended, else
        active if it had started (Pair.started_on, a local day), else proposed."""
        return case(
            (and_(Pair.ended_at.is_not(None), Pair.ended_at < self.until), Pair.status),
            (and_(Pair.started_on.is_not(None), Pair.started_on <= self.last_day),
             literal(PairStatus.ACTIVE.value)),
            else_=literal(PairStatus.PROPOSED.value))

    def pair_was_active(self) -> ColumnElement:
        """Whether a pair of the period was active at some moment of it: it had started by its
        last day (a pair is only ended after it started, or refused before)."""
        return and_(Pair.started_on.is_not(None), Pair.started_on <= self.last_day,
                    or_(Pair.ended_at.is_(None), Pair.ended_at >= self.since))


@dataclass(frozen=True)
class Person:
    user_id: int
    role: Role
    experience_years: int | None


async def people(session: AsyncSession, scope: Scope) -> list[Person]:
    """The participants of the period, one row per role: those who withdrew during or after it
    took part in it."""
    rows = await session.execute(scope.roles(
        select(UserRole.user_id, UserRole.role, Profile.experience_years)
        .join(Profile, Profile.user_id == UserRole.user_id), withdrawn=True))
    return [Person(user_id, Role(role), years) for user_id, role, years in rows]


def people_with(scope: Scope, roles: Iterable[str], *, with_erased: bool = False,
                withdrawn: bool = False) -> Select:
    return scope.roles(select(UserRole.user_id).where(UserRole.role.in_(list(roles))),
                       with_erased=with_erased, withdrawn=withdrawn)


async def latest_completion(session: AsyncSession, scope: Scope, code: str,
                            roles: Iterable[str], *,
                            withdrawn: bool = False) -> dict[int, datetime | None]:
    """For everyone of `roles` in the scope who began `code` before the period ended: their
    latest completion (None: begun, never finished); `withdrawn` as in Scope.roles."""
    rows = await session.execute(
        select(Response.user_id, func.max(Response.completed_at))
        .where(Response.user_id.in_(people_with(scope, roles, withdrawn=withdrawn)),
               Response.questionnaire_code == code, Response.started_at < scope.until)
        .group_by(Response.user_id))
    return {user_id: completed for user_id, completed in rows}


def _done(completed: datetime | None, scope: Scope) -> bool:
    return completed is not None and completed >= scope.since


async def laggards(session: AsyncSession, scope: Scope, code: str,
                   roles: Iterable[str]) -> list[tuple[int, str | None, bool]]:
    """Who of `roles` has not completed `code` in the period: (user id, name, has begun), by
    name."""
    roles = list(roles)
    latest = await latest_completion(session, scope, code, roles)
    rows = await session.execute(scope.roles(
        select(UserRole.user_id, Profile.full_name)
        .join(Profile, Profile.user_id == UserRole.user_id)
        .where(UserRole.role.in_(roles))).distinct())
    behind = [(user_id, name, user_id in latest) for user_id, name in rows
              if not _done(latest.get(user_id), scope)]
    return sorted(behind, key=lambda row: ((row[1] or "").lower(), row[0]))


async def satisfaction_scores(session: AsyncSession,
                              scope: Scope) -> dict[str, dict[str, Counter]]:
    """How many times each 1–10 score was given, by satisfaction questionnaire and item, in
    the questionnaires completed in the period. Counted by the database: a region has hundreds
    of thousands of these answers."""
    satisfaction = purposes.of(session).satisfaction
    score = json_integer(Answer.value)
    rows = await session.execute(
        select(Response.questionnaire_code, Answer.question_id, score, func.count())
        .join(Answer, Answer.response_id == Response.id)
        .where(Response.questionnaire_code.in_(satisfaction),
               Response.user_id.in_(people_with(scope, [r.value for r in Role],
                                                with_erased=True)),
               Response.completed_at >= scope.since, Response.completed_at < scope.until,
               score.is_not(None))
        .group_by(Response.questionnaire_code, Answer.question_id, score))
    scores: dict[str, dict[str, Counter]] = {}
    for code, item, value, count in rows:
        scores.setdefault(code, {}).setdefault(item, Counter())[int(value)] += count
    return {code: scores[code] for code in satisfaction if code in scores}


async def diagnoses(session: AsyncSession, scope: Scope, user_ids: Collection[int] | None = None
                    ) -> tuple[dict[int, dict], dict[int, dict]]:
    """The first and the latest completed deficit diagnosis of each mentee of the scope (or of
    `user_ids`, a few thousand at most) up to the end of the period (area → score). The entry
    diagnosis may predate the period."""
    # Each diagnosis's areas come as one JSON object (empty or None: no area answered, not
    # counted).
    areas = (select(answer_object(Answer.question_id, Answer.value))
             .where(Answer.response_id == Response.id,
                    Answer.question_id.in_(purposes.of(session).areas))
             .correlate(Response).scalar_subquery())
    query = (select(Response.user_id, areas)
             .where(Response.questionnaire_code == purposes.of(session).deficits,
                    Response.completed_at.is_not(None), Response.completed_at < scope.until)
             .order_by(Response.user_id, Response.completed_at, Response.id))
    if user_ids is not None:
        query = query.where(Response.user_id.in_(list(user_ids)))
    else:
        query = query.where(Response.user_id.in_(
            people_with(scope, [Role.MENTEE_TEACHER.value], with_erased=True)))
    first: dict[int, dict] = {}
    last: dict[int, dict] = {}
    for person, answers in await session.execute(query):
        if not answers:
            continue
        # One diagnosis only: first and last are the same object.
        first.setdefault(person, answers)
        last[person] = answers
    return first, last


def difficulty(answers: dict) -> int:
    """The sum of a diagnosis's areas (`diagnoses` gives only the areas' answers)."""
    return sum(value for value in answers.values()
               if isinstance(value, int) and not isinstance(value, bool))


def past_meetings(scope: Scope, now: datetime) -> Select:
    """The agreed meetings of the scope's period that have begun by `now`: each was held
    (the mentor said so), did not take place, or is unknown (nobody answered the follow-up)."""
    return scope.pairs(
        select(Meeting.starts_at).join(Pair, Pair.id == Meeting.pair_id)
        .where(Meeting.status == MeetingStatus.ACCEPTED, Meeting.starts_at >= scope.since,
               Meeting.starts_at < min(scope.until, now)))


def held_meetings(scope: Scope, now: datetime) -> Select:
    """The past meetings the mentor said took place; an unanswered one is not among them."""
    return past_meetings(scope, now).where(Meeting.held.is_(True))


async def meetings_per_week(session: AsyncSession, scope: Scope, now: datetime,
                            zone) -> list[tuple[date, int]]:
    """Meetings held in each week (by its Monday, local time) of the period so far."""
    starts = (await session.scalars(held_meetings(scope, now))).all()
    weeks = Counter()
    for moment in starts:
        day = moment.astimezone(zone).date()
        weeks[day - timedelta(days=day.weekday())] += 1
    first = scope.since.astimezone(zone).date()
    last = (min(scope.until, now) - timedelta(microseconds=1)).astimezone(zone).date()
    monday = first - timedelta(days=first.weekday())
    result = []
    while monday <= last:
        result.append((monday, weeks.get(monday, 0)))
        monday += timedelta(days=7)
    return result
