"""The curator's summary of a school: participants, pairs, questionnaires, satisfaction,
deficits, meetings and the programme KPIs of programme 001 (section 3.2)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.matching import AREAS, WEAK_FROM
from domain.roles import Role
from models import Meeting, Pair, Profile, Response, User, UserRole
from services.pairs import OPEN, PairStatus

EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)
YOUNG_YEARS = 3
HIGH_SCORE = 8
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
    pairs: Counter = field(default_factory=Counter)
    completion: dict[str, Counter] = field(default_factory=dict)
    satisfaction: dict[str, dict[str, tuple[float, float, int]]] = field(default_factory=dict)
    deficits: list[tuple[str, float]] = field(default_factory=list)
    meetings_held: int = 0
    active_pairs: int = 0
    unreachable: int = 0
    kpis: list[Kpi] = field(default_factory=list)


async def _people(session: AsyncSession, school_id: int) -> list[tuple[int, Role, Profile]]:
    rows = await session.execute(
        select(UserRole.user_id, UserRole.role, Profile)
        .join(Profile, Profile.user_id == UserRole.user_id)
        .where(UserRole.school_id == school_id, UserRole.is_active.is_(True)))
    return [(user_id, Role(role), profile) for user_id, role, profile in rows]


async def _completed(session: AsyncSession, user_ids: list[int], code: str,
                     since: datetime, until: datetime) -> list[Response]:
    rows = await session.scalars(
        select(Response).where(Response.user_id.in_(user_ids),
                               Response.questionnaire_code == code,
                               Response.completed_at.is_not(None),
                               Response.completed_at >= since, Response.completed_at < until)
        .order_by(Response.user_id, Response.completed_at))
    return list(rows.all())


async def summarize(session: AsyncSession, school_id: int, questionnaires: list[tuple[str, set]],
                    since: datetime, until: datetime, now: datetime) -> Summary:
    """`questionnaires`: (id, roles it is open to) for the completion table."""
    summary = Summary()
    people = await _people(session, school_id)
    ids = sorted({user_id for user_id, _, _ in people})
    summary.roles = Counter(role.value for _, role, _ in people)
    pairs = list((await session.scalars(select(Pair).where(Pair.school_id == school_id))).all())
    summary.pairs = Counter((p.status, p.form) for p in pairs)
    for code, roles in questionnaires:
        concerned = sorted({u for u, role, _ in people if role in roles})
        if not concerned:
            continue
        latest = await session.execute(
            select(Response.user_id, func.max(Response.completed_at), func.count(Response.id))
            .where(Response.user_id.in_(concerned), Response.questionnaire_code == code,
                   Response.started_at < until)
            .group_by(Response.user_id))
        done = started = 0
        for _, completed_at, _count in latest:
            if completed_at is not None and completed_at >= since:
                done += 1
            else:
                started += 1
        summary.completion[code] = Counter(done=done, started=started,
                                           not_started=len(concerned) - done - started)
    for code in ("satisfaction_mentor", "satisfaction_mentee", "satisfaction_pupil"):
        items: dict[str, list[int]] = {}
        for response in await _completed(session, ids, code, since, until):
            for answer in response.answers:
                if isinstance(answer.value, int) and not isinstance(answer.value, bool):
                    items.setdefault(answer.question_id, []).append(answer.value)
        if items:
            summary.satisfaction[code] = {
                item: (round(sum(v) / len(v), 1),
                       round(100 * sum(1 for x in v if x >= HIGH_SCORE) / len(v), 1), len(v))
                for item, v in items.items()}
    mentees = [u for u, role, _ in people if role is Role.MENTEE_TEACHER]
    # The entry diagnosis may predate the period: the KPI compares it with the latest one.
    diagnoses = await _completed(session, mentees, "diagnosis_mentee", EARLIEST, until)
    first, last = _first_and_last(diagnoses)
    if last:
        weak = Counter(area for answers in last.values() for area in AREAS
                       if isinstance(answers.get(area), int) and answers[area] >= WEAK_FROM)
        summary.deficits = [(area, round(100 * weak[area] / len(last), 1))
                            for area, _ in weak.most_common(5)]
    summary.active_pairs = sum(1 for p in pairs if p.status == PairStatus.ACTIVE)
    summary.meetings_held = await session.scalar(
        select(func.count(Meeting.id)).join(Pair, Pair.id == Meeting.pair_id)
        .where(Pair.school_id == school_id, Meeting.status == "accepted",
               Meeting.held.is_not(False), Meeting.starts_at >= since,
               Meeting.starts_at < min(until, now))) or 0
    summary.unreachable = await session.scalar(
        select(func.count(func.distinct(User.id))).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.school_id == school_id, User.unreachable_at.is_not(None))) or 0
    summary.kpis = await _kpis(session, people, pairs, first, last)
    return summary


def _first_and_last(responses: list[Response]) -> tuple[dict[int, dict], dict[int, dict]]:
    first: dict[int, dict] = {}
    last: dict[int, dict] = {}
    for response in responses:
        answers = {a.question_id: a.value for a in response.answers}
        first.setdefault(response.user_id, answers)
        last[response.user_id] = answers
    return first, last


def _difficulty(answers: dict) -> int:
    return sum(answers.get(area) or 0 for area in AREAS
               if isinstance(answers.get(area), int))


async def _kpis(session: AsyncSession, people: list[tuple[int, Role, Profile]],
                pairs: list[Pair], first: dict[int, dict], last: dict[int, dict]) -> list[Kpi]:
    in_pairs = {m.user_id for p in pairs if p.status in (*OPEN, PairStatus.COMPLETED)
                for m in p.members if m.consent != "declined"}
    teachers = {u for u, role, _ in people if role.is_teacher}
    young = {u for u, role, profile in people if role is Role.MENTEE_TEACHER
             and profile.experience_years is not None and profile.experience_years <= YOUNG_YEARS}
    mentored_young = young & in_pairs
    active = set((await session.scalars(select(User.id).where(
        User.id.in_(list(mentored_young)), User.is_active.is_(True)))).all())
    rediagnosed = [u for u in first if first[u] is not last[u]]
    improved = [u for u in rediagnosed if _difficulty(last[u]) < _difficulty(first[u])]
    return [
        Kpi("young_involved", len(mentored_young), len(young)),
        Kpi("teachers_involved", len(teachers & in_pairs), len(teachers)),
        Kpi("young_retained", len(active), len(mentored_young)),
        Kpi("deficits_improved", len(improved), len(rediagnosed)),
    ]

