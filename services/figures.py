"""The figures of /summary as aggregates the database computes: counts, the latest completion
of each questionnaire, satisfaction averages, the first and latest diagnosis of each mentee and
the KPIs' sets of people, each reduced in SQL to a handful of rows.

A region has a hundred thousand people and two million answers; carrying them into Python cost
seconds where the database needs a fraction. Each figure is the same, to the person, as the one
the per-person functions of services.reports give (`latest_completion`, `diagnoses`, ...); the
tests compare the two on the same data.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import (
    BigInteger,
    ColumnElement,
    and_,
    case,
    func,
    literal,
    or_,
    select,
    union_all,
)
from sqlalchemy.ext.asyncio import AsyncSession

from domain.matching import WEAK_FROM
from domain.roles import Role
from models import Meeting, Pair, PairMember, Profile, Response, User, UserRole, response_scores
from models.surveys import score_column
from services import purposes, scores
from services.pairs import PairStatus
from services.reports import (
    HIGH_SCORE,
    YOUNG_YEARS,
    Scope,
    past_meetings,
    people_with,
)

TEACHERS = [role.value for role in Role if role.is_teacher]
# Targets of programme 001, section 3.2.
TARGETS = {"young_involved": 100, "teachers_involved": 70, "young_retained": 90,
           "deficits_improved": 90}


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
    # Distinct people behind `roles`: a person with two roles is one participant.
    people: int = 0
    pairs: Counter = field(default_factory=Counter)
    completion: dict[str, Counter] = field(default_factory=dict)
    satisfaction: dict[str, dict[str, tuple[float, float, int]]] = field(default_factory=dict)
    deficits: list[tuple[str, float]] = field(default_factory=list)
    meetings_held: int = 0
    # Past meetings nobody said took place or not: neither held nor missed.
    meetings_unknown: int = 0
    active_pairs: int = 0
    unreachable: int = 0
    kpis: list[Kpi] = field(default_factory=list)


async def summarize(session: AsyncSession, scope: Scope,
                    questionnaires: list[tuple[str, set]], now: datetime) -> Summary:
    """The figures of /summary for the scope; `questionnaires`: (id, roles it is open to) for
    the completion table."""
    summary = Summary()
    summary.roles = await roles(session, scope)
    summary.people = await participants(session, scope)
    state = scope.pair_state()
    summary.pairs = Counter({(status, form): count for status, form, count in await session.execute(
        scope.pairs(select(state, Pair.form, func.count()).group_by(state, Pair.form),
                    in_period=True))})
    summary.completion = await completion(session, scope, questionnaires)
    summary.satisfaction = await satisfaction(session, scope)
    diagnosed = await diagnoses(session, scope)
    summary.deficits = [share for share in diagnosed.shares() if share[1] > 0][:5]
    summary.active_pairs = await session.scalar(scope.pairs(
        select(func.count()).select_from(Pair).where(scope.pair_was_active()),
        in_period=True)) or 0
    past = past_meetings(scope, now).add_columns(Meeting.held).subquery()
    held, unknown = (await session.execute(select(
        func.sum(_one_if(past.c.held.is_(True))), func.sum(_one_if(past.c.held.is_(None))))
        .select_from(past))).one()
    summary.meetings_held, summary.meetings_unknown = int(held or 0), int(unknown or 0)
    summary.unreachable = await session.scalar(
        scope.roles(select(func.count(func.distinct(User.id)))
                    .join(UserRole, UserRole.user_id == User.id)
                    .where(User.unreachable_at.is_not(None)))) or 0
    people = await kpi_people(session, scope)
    summary.kpis = [
        Kpi("young_involved", people.young_paired, people.young),
        Kpi("teachers_involved", people.teachers_paired, people.teachers),
        Kpi("young_retained", people.young_retained, people.young_paired),
        Kpi("deficits_improved", diagnosed.improved, diagnosed.rediagnosed),
    ]
    return summary


def _one_if(condition: ColumnElement) -> ColumnElement:
    return case((condition, 1), else_=0)


async def roles(session: AsyncSession, scope: Scope) -> Counter:
    """People of each role in the scope's period (those with a profile, as `reports.people`)."""
    rows = await session.execute(scope.roles(
        select(UserRole.role, func.count()).join(Profile, Profile.user_id == UserRole.user_id)
        .group_by(UserRole.role), withdrawn=True))
    return Counter(dict(rows.all()))


async def participants(session: AsyncSession, scope: Scope) -> int:
    """The people counted in `roles`, each once however many roles they hold."""
    return await session.scalar(scope.roles(
        select(func.count(func.distinct(UserRole.user_id)))
        .join(Profile, Profile.user_id == UserRole.user_id), withdrawn=True)) or 0


async def completion(session: AsyncSession, scope: Scope,
                     questionnaires: list[tuple[str, set]]) -> dict[str, Counter]:
    """For each questionnaire with anyone to take it: how many of its audience (the period's
    participants, as `roles`) completed it in the period (by their latest completion), began
    it without completing it in the period, or never began it before the period ended. Two
    statements for all questionnaires."""
    audiences = [(code, [role.value for role in roles]) for code, roles in questionnaires
                 if roles]
    if not audiences:
        return {}
    concerned = union_all(*(
        scope.roles(select(literal(code).label("code"),
                           func.count(func.distinct(UserRole.user_id)).label("people"))
                    .join(Profile, Profile.user_id == UserRole.user_id)
                    .where(UserRole.role.in_(audience)), withdrawn=True)
        for code, audience in audiences))
    sizes = {code: people for code, people in await session.execute(concerned)}
    began: dict[str, tuple[int, int]] = {}
    taken = [(code, audience) for code, audience in audiences if sizes.get(code)]
    if taken:
        latest = union_all(*(
            select(literal(code).label("code"), Response.user_id,
                   func.max(Response.completed_at).label("completed"))
            .where(Response.user_id.in_(people_with(scope, audience, withdrawn=True)),
                   Response.questionnaire_code == code, Response.started_at < scope.until)
            .group_by(Response.user_id)
            for code, audience in taken)).subquery()
        rows = await session.execute(
            select(latest.c.code, func.count(), func.sum(_one_if(
                latest.c.completed >= literal(scope.since, Response.completed_at.type))))
            .group_by(latest.c.code))
        began = {code: (count, done or 0) for code, count, done in rows}
    result = {}
    for code, _ in taken:
        count, done = began.get(code, (0, 0))
        result[code] = Counter(done=done, started=count - done, not_started=sizes[code] - count)
    return result


async def satisfaction(session: AsyncSession,
                       scope: Scope) -> dict[str, dict[str, tuple[float, float, int]]]:
    """By satisfaction questionnaire and item, over the integer scores of the questionnaires
    completed in the period: the average, the share scoring HIGH_SCORE or more (percent) and
    the number of answers. Added up over the responses' rollup rows (services.scores), a column
    per question position, and matched to the items by each version's questions."""
    satisfaction = purposes.of(session).satisfaction
    questions = await scores.question_lists(session, satisfaction)
    slots = _slots(max((len(ids) for ids in questions.values()), default=0))
    rows = await session.execute(
        select(response_scores.c.questionnaire_code, response_scores.c.questionnaire_version,
               *(aggregate for slot in slots for aggregate in (
                   func.sum(slot), func.sum(_one_if(slot >= HIGH_SCORE)), func.count(slot))))
        .where(response_scores.c.questionnaire_code.in_(satisfaction),
               response_scores.c.user_id.in_(people_with(scope, [r.value for r in Role],
                                                         with_erased=True)),
               response_scores.c.completed_at >= scope.since,
               response_scores.c.completed_at < scope.until)
        .group_by(response_scores.c.questionnaire_code, response_scores.c.questionnaire_version))
    totals: dict[str, dict[str, list[int]]] = {}
    for code, version, *sums in rows:
        for position, item in enumerate(questions.get((code, version), [])):
            total, high, count = sums[3 * position:3 * position + 3]
            if count:
                added = totals.setdefault(code, {}).setdefault(item, [0, 0, 0])
                added[0], added[1], added[2] = (added[0] + int(total), added[1] + int(high),
                                                added[2] + count)
    return {code: {item: (round(total / count, 1), round(100 * high / count, 1), count)
                   for item, (total, high, count) in totals[code].items()}
            for code in satisfaction if code in totals}


def _slots(width: int) -> list[ColumnElement]:
    return [response_scores.c[score_column(position)] for position in range(width)]


@dataclass
class Diagnoses:
    """What the first and latest completed diagnoses of a scope's mentees add up to."""

    mentees: int = 0                       # with at least one
    weak: Counter = field(default_factory=Counter)  # area → mentees weak in it at the latest
    rediagnosed: int = 0                   # with two or more
    improved: int = 0                      # of those, less difficulty at the latest

    def shares(self) -> list[tuple[str, float]]:
        """Every area with the share of mentees (percent) whose latest diagnosis marks it as a
        deficit, the most frequent first."""
        if not self.mentees:
            return []
        # `weak` has every area of the diagnosis, in its order (`diagnoses`).
        shares = [(area, round(100 * count / self.mentees, 1)) for area, count in self.weak.items()]
        return sorted(shares, key=lambda share: -share[1])


async def diagnoses(session: AsyncSession, scope: Scope) -> Diagnoses:
    """The sums of `reports.diagnoses` for the scope's mentees, in one statement over the
    diagnoses' rollup rows: each is reduced to its difficulty and weak areas (by where its
    version has the areas), the first and the latest of each mentee are picked by window
    functions, and only the totals leave the database. A diagnosis in which no area was
    answered counts for nothing, as in reports.diagnoses."""
    # Each version of the diagnosis: the positions of its areas among its questions.
    diagnosis, areas = purposes.of(session).deficits, purposes.of(session).areas
    positions = {number: {area: ids.index(area) for area in areas if area in ids}
                 for (_, number), ids in (await scores.question_lists(
                     session, [diagnosis])).items()}
    positions = {number: found for number, found in positions.items() if found}
    if not positions:
        return Diagnoses()
    masks = {number: sum(1 << n for n in found.values()) for number, found in positions.items()}
    areas_of = {number: {area: response_scores.c[score_column(n)] for area, n in found.items()}
                for number, found in positions.items()}
    version = response_scores.c.questionnaire_version
    answered = or_(*(and_(version == number, response_scores.c.answered.op("&")(
        literal(mask, BigInteger)) != 0) for number, mask in masks.items()))
    difficulty = case(*((version == number, sum(
        (func.coalesce(column, 0) for column in columns.values()), literal(0)))
        for number, columns in areas_of.items()))
    weak = {area: case(*((version == number, _one_if(columns[area] >= WEAK_FROM))
                         for number, columns in areas_of.items() if area in columns), else_=0)
            for area in areas}
    per_response = (
        select(response_scores.c.response_id.label("id"), response_scores.c.user_id,
               response_scores.c.completed_at, difficulty.label("difficulty"),
               *(weak[area].label(area) for area in areas))
        .where(response_scores.c.questionnaire_code == diagnosis,
               response_scores.c.completed_at < scope.until, answered,
               response_scores.c.user_id.in_(people_with(scope, [Role.MENTEE_TEACHER.value],
                                                         with_erased=True)))).subquery()
    by_person = per_response.c.user_id
    ranked = select(
        per_response,
        func.row_number().over(partition_by=by_person, order_by=(
            per_response.c.completed_at, per_response.c.id)).label("first_n"),
        func.row_number().over(partition_by=by_person, order_by=(
            per_response.c.completed_at.desc(), per_response.c.id.desc())).label("last_n"),
    ).subquery()
    first, last = ranked.c.first_n == 1, ranked.c.last_n == 1
    per_mentee = (
        select(ranked.c.user_id, func.count().label("taken"),
               func.sum(case((first, ranked.c.difficulty))).label("before"),
               func.sum(case((last, ranked.c.difficulty))).label("after"),
               *(func.sum(case((last, ranked.c[area]), else_=0)).label(area) for area in areas))
        .where(or_(first, last)).group_by(ranked.c.user_id)).subquery()
    again = per_mentee.c.taken > 1
    row = (await session.execute(select(
        func.count(), func.sum(_one_if(again)),
        func.sum(_one_if(and_(again, per_mentee.c.after < per_mentee.c.before))),
        *(func.sum(per_mentee.c[area]) for area in areas)))).one()
    mentees, rediagnosed, improved, *weak = row
    return Diagnoses(mentees, Counter({area: int(count or 0)
                                       for area, count in zip(areas, weak, strict=True)}),
                     int(rediagnosed or 0), int(improved or 0))


@dataclass(frozen=True)
class People:
    """The sets behind the KPIs, counted over the participants of the period: young
    specialists (mentee teachers of YOUNG_YEARS or less), teachers, and of them those in a pair
    of the period that they did not decline and that was not refused before it started; of
    the young in pairs, those still in the programme and reachable when the period ended."""

    young: int
    young_paired: int
    young_retained: int
    teachers: int
    teachers_paired: int


async def kpi_people(session: AsyncSession, scope: Scope) -> People:
    paired = scope.pairs(
        select(PairMember.user_id).join(Pair, Pair.id == PairMember.pair_id)
        .where(or_(scope.pair_state() != PairStatus.CANCELLED, Pair.started_on.is_not(None)),
               or_(PairMember.consent.is_(None), PairMember.consent != "declined"))
        .distinct(), in_period=True).subquery()
    is_paired = paired.c.user_id.is_not(None)
    young = and_(UserRole.role == Role.MENTEE_TEACHER.value,
                 Profile.experience_years <= YOUNG_YEARS)
    # Left the programme by the period's end: withdrew, or no longer reachable (blocked the
    # bot; the mark is cleared when they write again, so a later return is not seen).
    staying = and_(User.is_active.is_not(False) | (User.erased_at >= scope.until),
                   or_(User.unreachable_at.is_(None), User.unreachable_at >= scope.until))
    # One row per person first: someone with two roles is one person in each set.
    flags = {"young": young, "young_paired": and_(young, is_paired),
             "young_retained": and_(young, is_paired, staying),
             "teachers": UserRole.role.in_(TEACHERS),
             "teachers_paired": and_(UserRole.role.in_(TEACHERS), is_paired)}
    per_person = scope.roles(
        select(*(func.max(_one_if(condition)).label(name) for name, condition in flags.items()))
        .join(Profile, Profile.user_id == UserRole.user_id)
        .join(User, User.id == UserRole.user_id)
        .outerjoin(paired, paired.c.user_id == UserRole.user_id)
        .group_by(UserRole.user_id), withdrawn=True).subquery()
    row = (await session.execute(select(
        *(func.coalesce(func.sum(per_person.c[name]), 0) for name in flags)))).one()
    return People(*row)
