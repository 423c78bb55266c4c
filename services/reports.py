"""The curator's figures for a scope (a school, several schools or the whole region, a form, a
period): participants, pairs, questionnaires, satisfaction, deficits, meetings and the programme
KPIs of programme 001 (section 3.2).

Every query filters by joining the people's roles instead of passing lists of ids, so a region
of a hundred thousand people stays within the database's parameter limits.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Collection, Iterable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Select, func, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.matching import AREAS, WEAK_FROM
from domain.roles import Role
from models import Answer, Meeting, Pair, PairMember, Profile, Response, User, UserRole
from services.pairs import OPEN, PairStatus

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
YOUNG_YEARS = 3
HIGH_SCORE = 8
SATISFACTION = ("satisfaction_mentor", "satisfaction_mentee", "satisfaction_pupil")
DIAGNOSIS = "diagnosis_mentee"
# Targets of programme 001, section 3.2.
TARGETS = {"young_involved": 100, "teachers_involved": 70, "young_retained": 90,
           "deficits_improved": 90}


@dataclass(frozen=True)
class Scope:
    """What a figure covers: schools (None: every school), a form (None: all) and a period
    [since, until) as moments."""

    school_ids: tuple[int, ...] | None
    form: str | None
    since: datetime
    until: datetime

    def roles(self, query: Select, *, with_erased: bool = False) -> Select:
        """Limit a query that joins UserRole to the people of the scope; `with_erased` also
        keeps those who withdrew consent, whose answers stay in the figures anonymously."""
        active = UserRole.is_active.is_(True)
        if with_erased:
            active = or_(active, UserRole.user_id.in_(
                select(User.id).where(User.erased_at.is_not(None))))
        query = query.where(active)
        if self.school_ids is not None:
            query = query.where(UserRole.school_id.in_(self.school_ids))
        if self.form is not None:
            query = query.where(UserRole.form == self.form)
        return query

    def pairs(self, query: Select) -> Select:
        if self.school_ids is not None:
            query = query.where(Pair.school_id.in_(self.school_ids))
        if self.form is not None:
            query = query.where(Pair.form == self.form)
        return query


@dataclass
class Kpi:
    key: str
    done: int
    total: int

    @property
    def percent(self) -> float | None:
        return round(100 * self.done / self.total, 1) if self.total else None

    @property
    def target(self) -> int:
        return TARGETS[self.key]


@dataclass
class Summary:
    roles: Counter = field(default_factory=Counter)
    pairs: Counter = field(default_factory=Counter)
    completion: dict[str, Counter] = field(default_factory=dict)
    satisfaction: dict[str, dict[str, tuple[float, float, int]]] = field(default_factory=dict)
    deficits: list[tuple[str, float]] = field(default_factory=list)
    meetings_held: int = 0
    active_pairs: int = 0
    unreachable: int = 0
    kpis: list[Kpi] = field(default_factory=list)


@dataclass(frozen=True)
class Person:
    user_id: int
    role: Role
    experience_years: int | None


async def people(session: AsyncSession, scope: Scope) -> list[Person]:
    rows = await session.execute(scope.roles(
        select(UserRole.user_id, UserRole.role, Profile.experience_years)
        .join(Profile, Profile.user_id == UserRole.user_id)))
    return [Person(user_id, Role(role), years) for user_id, role, years in rows]


def _people_with(scope: Scope, roles: Iterable[str], *, with_erased: bool = False) -> Select:
    return scope.roles(select(UserRole.user_id).where(UserRole.role.in_(list(roles))),
                       with_erased=with_erased)


async def latest_completion(session: AsyncSession, scope: Scope, code: str,
                            roles: Iterable[str]) -> dict[int, datetime | None]:
    """For everyone of `roles` in the scope who began `code` before the period ended: their
    latest completion (None: begun, never finished)."""
    rows = await session.execute(
        select(Response.user_id, func.max(Response.completed_at))
        .where(Response.user_id.in_(_people_with(scope, roles)),
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
    rows = await session.execute(
        select(Response.questionnaire_code, Answer.question_id, Answer.value, func.count())
        .join(Answer, Answer.response_id == Response.id)
        .where(Response.questionnaire_code.in_(SATISFACTION),
               Response.user_id.in_(_people_with(scope, [r.value for r in Role],
                                                 with_erased=True)),
               Response.completed_at >= scope.since, Response.completed_at < scope.until)
        .group_by(Response.questionnaire_code, Answer.question_id, Answer.value))
    scores: dict[str, dict[str, Counter]] = {}
    for code, item, value, count in rows:
        if isinstance(value, int) and not isinstance(value, bool):
            scores.setdefault(code, {}).setdefault(item, Counter())[value] += count
    return {code: scores[code] for code in SATISFACTION if code in scores}


async def diagnoses(session: AsyncSession, scope: Scope, user_ids: Collection[int] | None = None
                    ) -> tuple[dict[int, dict], dict[int, dict]]:
    """The first and the latest completed deficit diagnosis of each mentee of the scope (or of
    `user_ids`, a few thousand at most) up to the end of the period (area → score). The entry
    diagnosis may predate the period."""
    query = (select(Response.id, Response.user_id, Answer.question_id, Answer.value)
             .join(Answer, Answer.response_id == Response.id)
             .where(Response.questionnaire_code == DIAGNOSIS,
                    Response.completed_at.is_not(None), Response.completed_at < scope.until,
                    Answer.question_id.in_(AREAS))
             .order_by(Response.user_id, Response.completed_at, Response.id))
    if user_ids is not None:
        query = query.where(Response.user_id.in_(list(user_ids)))
    else:
        query = query.where(Response.user_id.in_(
            _people_with(scope, [Role.MENTEE_TEACHER.value], with_erased=True)))
    first: dict[int, dict] = {}
    last: dict[int, dict] = {}
    first_response: dict[int, int] = {}
    last_response: dict[int, int] = {}
    for response_id, person, area, value in await session.execute(query):
        if person not in first_response:
            first_response[person] = response_id
            first[person] = {}
        if last_response.get(person) != response_id:
            last_response[person] = response_id
            # One diagnosis only: first and last are the same object.
            last[person] = first[person] if response_id == first_response[person] else {}
        last[person][area] = value
    return first, last


def deficit_shares(last: dict[int, dict]) -> list[tuple[str, float]]:
    """Share of mentees (percent) whose latest diagnosis marks each area as a deficit, every
    area, the most frequent first."""
    if not last:
        return []
    weak = Counter(area for answers in last.values() for area in AREAS
                   if isinstance(answers.get(area), int) and answers[area] >= WEAK_FROM)
    shares = [(area, round(100 * weak[area] / len(last), 1)) for area in AREAS]
    return sorted(shares, key=lambda share: -share[1])


def difficulty(answers: dict) -> int:
    return sum(value for area in AREAS
               if isinstance(value := answers.get(area), int) and not isinstance(value, bool))


def held_meetings(scope: Scope, now: datetime) -> Select:
    return scope.pairs(
        select(Meeting.starts_at).join(Pair, Pair.id == Meeting.pair_id)
        .where(Meeting.status == "accepted", Meeting.held.is_not(False),
               Meeting.starts_at >= scope.since, Meeting.starts_at < min(scope.until, now)))


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


async def summarize(session: AsyncSession, scope: Scope,
                    questionnaires: list[tuple[str, set]], now: datetime) -> Summary:
    """`questionnaires`: (id, roles it is open to) for the completion table."""
    summary = Summary()
    persons = await people(session, scope)
    summary.roles = Counter(person.role.value for person in persons)
    summary.pairs = Counter({(status, form): count for status, form, count in await session.execute(
        scope.pairs(select(Pair.status, Pair.form, func.count()).group_by(Pair.status,
                                                                          Pair.form)))})
    for code, roles in questionnaires:
        concerned = {p.user_id for p in persons if p.role in roles}
        if not concerned:
            continue
        latest = await latest_completion(session, scope, code, [r.value for r in roles])
        done = sum(1 for completed in latest.values() if _done(completed, scope))
        summary.completion[code] = Counter(done=done, started=len(latest) - done,
                                           not_started=len(concerned) - len(latest))
    for code, items in (await satisfaction_scores(session, scope)).items():
        summary.satisfaction[code] = {item: _averages(counts) for item, counts in items.items()}
    first, last = await diagnoses(session, scope)
    summary.deficits = [share for share in deficit_shares(last) if share[1] > 0][:5]
    summary.active_pairs = sum(count for (status, _), count in summary.pairs.items()
                               if status == PairStatus.ACTIVE)
    held = (held_meetings(scope, now)).subquery()
    summary.meetings_held = await session.scalar(select(func.count()).select_from(held)) or 0
    summary.unreachable = await session.scalar(
        scope.roles(select(func.count(func.distinct(User.id)))
                    .join(UserRole, UserRole.user_id == User.id)
                    .where(User.unreachable_at.is_not(None)))) or 0
    summary.kpis = await _kpis(session, scope, persons, first, last)
    return summary


def _averages(counts: Counter) -> tuple[float, float, int]:
    """Average, share scoring HIGH_SCORE or more (percent), number of answers."""
    total = sum(counts.values())
    average = sum(score * n for score, n in counts.items()) / total
    high = sum(n for score, n in counts.items() if score >= HIGH_SCORE)
    return round(average, 1), round(100 * high / total, 1), total


async def _kpis(session: AsyncSession, scope: Scope, persons: list[Person],
                first: dict[int, dict], last: dict[int, dict]) -> list[Kpi]:
    in_pairs = set((await session.scalars(scope.pairs(
        select(PairMember.user_id).join(Pair, Pair.id == PairMember.pair_id)
        .where(Pair.status.in_([*OPEN, PairStatus.COMPLETED]),
               or_(PairMember.consent.is_(None), PairMember.consent != "declined")))
        .distinct())).all())
    teachers = {p.user_id for p in persons if p.role.is_teacher}
    young = {p.user_id for p in persons if p.role is Role.MENTEE_TEACHER
             and p.experience_years is not None and p.experience_years <= YOUNG_YEARS}
    mentored_young = young & in_pairs
    # Left the programme: deactivated, or no longer reachable (blocked the bot).
    inactive = set((await session.scalars(
        _people_with(scope, [Role.MENTEE_TEACHER.value])
        .join(User, User.id == UserRole.user_id)
        .where(or_(User.is_active.is_(False), User.unreachable_at.is_not(None))))).all())
    rediagnosed = [u for u in first if first[u] is not last[u]]
    improved = [u for u in rediagnosed if difficulty(last[u]) < difficulty(first[u])]
    return [
        Kpi("young_involved", len(mentored_young), len(young)),
        Kpi("teachers_involved", len(teachers & in_pairs), len(teachers)),
        Kpi("young_retained", len(mentored_young - inactive), len(mentored_young)),
        Kpi("deficits_improved", len(improved), len(rediagnosed)),
    ]
