"""services.figures, the summary's aggregates in SQL, against the per-person answers of
services.reports and plain Python over the same rows: a seeded dataset with the awkward cases
(several roles, erased people, deactivated roles, no profile, unfinished and late responses,
diagnoses with skipped, boolean, text and 2.0 answers or no area answered at all), and several
scopes."""

import random
from collections import Counter
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select

from domain.matching import AREAS, WEAK_FROM
from domain.roles import Role
from models import Answer, Pair, PairMember, Profile, Response, School, User, UserRole
from services import figures, reports
from services.pairs import OPEN, PairStatus

pytestmark = pytest.mark.db
T0 = datetime(2026, 8, 1, tzinfo=UTC)
FORMS = {Role.MENTOR_TEACHER: "teacher_teacher", Role.MENTEE_TEACHER: "teacher_teacher",
         Role.MENTOR_PUPIL: "pupil_pupil", Role.MENTEE_PUPIL: "pupil_pupil"}
ODD_VALUES = (None, True, False, "2", 2.0, 3.5, [2])


async def build(session, seed: int) -> list[int]:
    rng = random.Random(seed)
    schools = [School(name=f"S{n}", normalized_name=f"s{n}") for n in range(3)]
    session.add_all(schools)
    await session.flush()
    users = []
    for number in range(60):
        school = rng.choice(schools)
        role = rng.choice(list(Role))
        user = User(telegram_id=7000 + number, consent_at=T0, is_active=rng.random() > 0.1,
                    unreachable_at=T0 if rng.random() < 0.1 else None,
                    erased_at=T0 if rng.random() < 0.08 else None)
        if rng.random() > 0.05:
            user.profile = Profile(full_name=f"P{number}", school_id=school.id,
                                   experience_years=rng.choice((None, 0, 2, 3, 4, 10)))
        user.roles = [UserRole(role=role.value, form=FORMS[role], school_id=school.id,
                               is_active=user.erased_at is None and rng.random() > 0.1)]
        if rng.random() < 0.15:  # a second role, in the same school or another
            other = rng.choice([r for r in Role if r is not role])
            user.roles.append(UserRole(role=other.value, form=FORMS[other],
                                       school_id=rng.choice(schools).id, is_active=True))
        session.add(user)
        users.append(user)
    await session.flush()
    for user in users:
        for _ in range(rng.choice((0, 1, 1, 2, 3))):
            respond(session, rng, user, "diagnosis_mentee", {
                area: rng.choice((0, 1, 2, 3, 3, *ODD_VALUES)) for area in AREAS
                if rng.random() > 0.1} if rng.random() > 0.1 else {"category": "other"})
        for code in (*reports.SATISFACTION, "preferences_mentee"):
            if rng.random() < 0.4:
                respond(session, rng, user, code, {
                    item: rng.choice((*range(1, 11), *ODD_VALUES))
                    for item in ("effectiveness", "comfort", "expected")})
    for _ in range(12):
        pair = Pair(school_id=rng.choice(schools).id, form=rng.choice(list(FORMS.values())),
                    status=rng.choice(list(PairStatus)), started_on=date(2026, 9, 1))
        mentor, mentee = rng.sample(users, 2)
        pair.members = [
            PairMember(user_id=mentor.id, side="mentor", consent="agreed"),
            PairMember(user_id=mentee.id, side="mentee",
                       consent=rng.choice((None, "agreed", "declined")))]
        pair.plan = []
        session.add(pair)
    await session.commit()
    return [school.id for school in schools]


def respond(session, rng: random.Random, user: User, code: str, answers: dict) -> None:
    started = T0 + timedelta(days=rng.randint(-20, 100), minutes=rng.randint(0, 600))
    completed = None if rng.random() < 0.15 else started + timedelta(minutes=5)
    response = Response(user_id=user.id, questionnaire_code=code, questionnaire_version=1,
                        role=user.roles[0].role, started_at=started, completed_at=completed)
    response.answers = [Answer(question_id=key, value=value, skipped=value is None)
                        for key, value in answers.items()]
    session.add(response)


def scopes(school_ids: list[int]) -> list[reports.Scope]:
    until = datetime(2026, 11, 23, tzinfo=UTC)
    return [reports.Scope(None, None, T0, until),
            reports.Scope((school_ids[0],), None, T0, until),
            reports.Scope(tuple(school_ids[1:]), "teacher_teacher", T0, until),
            reports.Scope(None, None, T0 + timedelta(days=30), T0 + timedelta(days=60))]


async def expected_people(session, scope: reports.Scope) -> figures.People:
    """The KPIs' people by sets, as summarize counted them before the SQL aggregates."""
    persons = await reports.people(session, scope)
    pairs = (await session.execute(
        select(PairMember.user_id, PairMember.consent, Pair.status, Pair.school_id, Pair.form)
        .join(Pair, Pair.id == PairMember.pair_id))).all()
    in_pairs = {user_id for user_id, consent, status, school_id, form in pairs
                if status in (*OPEN, PairStatus.COMPLETED) and consent != "declined"
                and (scope.school_ids is None or school_id in scope.school_ids)
                and (scope.form is None or form == scope.form)}
    leaving = {user.id for user in await session.scalars(select(User))
               if not user.is_active or user.unreachable_at is not None}
    young = {p.user_id for p in persons if p.role is Role.MENTEE_TEACHER
             and p.experience_years is not None and p.experience_years <= reports.YOUNG_YEARS}
    teachers = {p.user_id for p in persons if p.role.is_teacher}
    return figures.People(len(young), len(young & in_pairs), len(young & in_pairs - leaving),
                          len(teachers), len(teachers & in_pairs))


def expected_diagnoses(first: dict[int, dict], last: dict[int, dict]) -> figures.Diagnoses:
    again = [user for user in first if first[user] is not last[user]]
    weak = Counter(area for answers in last.values() for area in AREAS
                   if isinstance(answers.get(area), int) and answers[area] >= WEAK_FROM)
    return figures.Diagnoses(
        len(last), Counter({area: weak[area] for area in AREAS}), len(again),
        sum(reports.difficulty(last[u]) < reports.difficulty(first[u]) for u in again))


def expected_satisfaction(scores: dict[str, dict[str, Counter]]) -> dict:
    result = {}
    for code, items in scores.items():
        for item, counts in items.items():
            total = sum(counts.values())
            average = sum(score * n for score, n in counts.items()) / total
            high = sum(n for score, n in counts.items() if score >= reports.HIGH_SCORE)
            result.setdefault(code, {})[item] = (round(average, 1), round(100 * high / total, 1),
                                                 total)
    return result


@pytest.mark.parametrize("seed", [1, 2])
async def test_aggregates_match_the_per_person_figures(running, seed):
    questionnaires = [(q.id, set(q.audience.roles)) for q in running.app.surveys.catalog]
    async with running.session() as session:
        school_ids = await build(session, seed)
        for scope in scopes(school_ids):
            persons = await reports.people(session, scope)
            assert await figures.roles(session, scope) == Counter(
                p.role.value for p in persons)

            expected = {}
            for code, roles in questionnaires:
                concerned = {p.user_id for p in persons if p.role in roles}
                if concerned:
                    latest = await reports.latest_completion(session, scope, code,
                                                             [r.value for r in roles])
                    done = sum(1 for moment in latest.values()
                               if moment is not None and moment >= scope.since)
                    expected[code] = Counter(done=done, started=len(latest) - done,
                                             not_started=len(concerned) - len(latest))
            assert await figures.completion(session, scope, questionnaires) == expected

            scores = await reports.satisfaction_scores(session, scope)
            assert all(type(score) is int for items in scores.values()
                       for counts in items.values() for score in counts)
            assert await figures.satisfaction(session, scope) == expected_satisfaction(scores)

            diagnosed = await figures.diagnoses(session, scope)
            assert diagnosed == expected_diagnoses(*await reports.diagnoses(session, scope))
            if scope.school_ids is None and scope.since == T0:  # the data covers the cases
                assert diagnosed.rediagnosed and diagnosed.improved and diagnosed.weak

            assert await figures.kpi_people(session, scope) == \
                await expected_people(session, scope)


async def test_an_empty_scope_has_no_figures(running):
    questionnaires = [(q.id, set(q.audience.roles)) for q in running.app.surveys.catalog]
    async with running.session() as session:
        summary = await figures.summarize(session, reports.Scope((), None, T0, T0),
                                          questionnaires, T0)
    assert (summary.roles, summary.completion, summary.satisfaction, summary.deficits) == (
        Counter(), {}, {}, [])
    assert [(kpi.done, kpi.total, kpi.percent) for kpi in summary.kpis] == [(0, 0, None)] * 4
