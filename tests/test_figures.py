"""services.figures, the summary's aggregates in SQL, against the per-person answers of
services.reports and plain Python over the same rows: a seeded dataset with the awkward cases
(several roles, erased people, deactivated roles, no profile, unfinished and late responses,
diagnoses with skipped, boolean, text and 2.0 answers or no area answered at all), and several
scopes."""

import random
from collections import Counter
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from domain.matching import WEAK_FROM
from domain.questionnaire import QuestionType
from domain.roles import Role
from models import Answer, Pair, PairMember, Profile, Response, School, User, UserRole
from models.surveys import response_scores
from services import figures, privacy, reports, scores
from services.pairs import PairStatus
from tests.flows import SHIPPED, VERSIONS

AREAS = SHIPPED.purposes.areas

pytestmark = pytest.mark.db
T0 = datetime(2026, 8, 1, tzinfo=UTC)
FORMS = {Role.MENTOR_TEACHER: "teacher_teacher", Role.MENTEE_TEACHER: "teacher_teacher",
         Role.MENTOR_PUPIL: "pupil_pupil", Role.MENTEE_PUPIL: "pupil_pupil"}
ODD_VALUES = (None, True, False, "2", 2.0, 3.5, [2])
ITEMS = {"satisfaction_mentor": ("effectiveness", "comfort", "expected", "want_more_mentees"),
         "satisfaction_mentee": ("effectiveness", "comfort", "expected", "expectations_met"),
         "satisfaction_pupil": ("effectiveness", "comfort", "expectations_met"),
         "preferences_mentee": ("preferred_mentors", "comment")}


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
                    unreachable_at=a_day(rng) if rng.random() < 0.1 else None,
                    erased_at=a_day(rng) if rng.random() < 0.08 else None)
        if rng.random() > 0.05:
            user.profile = Profile(full_name=f"P{number}", school_id=school.id,
                                   experience_years=rng.choice((None, 0, 2, 3, 4, 10)))
        user.roles = [UserRole(role=role.value, form=FORMS[role], school_id=school.id,
                               is_active=user.erased_at is None and rng.random() > 0.1,
                               created_at=a_day(rng))]
        if rng.random() < 0.15:  # a second role, in the same school or another
            other = rng.choice([r for r in Role if r is not role])
            user.roles.append(UserRole(role=other.value, form=FORMS[other],
                                       school_id=rng.choice(schools).id, is_active=True,
                                       created_at=a_day(rng)))
        session.add(user)
        users.append(user)
    await session.flush()
    for user in users:
        for _ in range(rng.choice((0, 1, 1, 2, 3))):
            respond(session, rng, user, "diagnosis_mentee", {
                area: rng.choice((0, 1, 2, 3, 3, *ODD_VALUES)) for area in AREAS
                if rng.random() > 0.1} if rng.random() > 0.1 else {"category": "other"})
        for code in (*SHIPPED.purposes.satisfaction, "preferences_mentee"):
            if rng.random() < 0.4:
                # Items of the questionnaire's version, as the bot stores them: the rollup
                # keeps a response's answers by the position of their question.
                respond(session, rng, user, code, {
                    item: rng.choice((*range(1, 11), *ODD_VALUES))
                    for item in ITEMS[code] if rng.random() > 0.1})
    for _ in range(16):
        # Proposed, started some days later (or refused), ended later still: pairs before,
        # across and after each scope's period.
        status, proposed = rng.choice(list(PairStatus)), a_day(rng)
        started = status in (PairStatus.ACTIVE, PairStatus.COMPLETED) or (
            status is PairStatus.CANCELLED and rng.random() < 0.5)
        ended = proposed + timedelta(days=rng.randint(1, 60))
        pair = Pair(school_id=rng.choice(schools).id, form=rng.choice(list(FORMS.values())),
                    status=status, created_at=proposed,
                    started_on=(proposed + timedelta(days=1)).date() if started else None,
                    ended_at=ended if status in (PairStatus.COMPLETED, PairStatus.CANCELLED)
                    else None)
        mentor, mentee = rng.sample(users, 2)
        pair.members = [
            PairMember(user_id=mentor.id, side="mentor", consent="agreed"),
            PairMember(user_id=mentee.id, side="mentee",
                       consent=rng.choice((None, "agreed", "declined")))]
        pair.plan = []
        session.add(pair)
    await session.flush()
    # Written directly, so their rollup too, as the completion of each would have.
    await scores.record_all(session)
    await session.commit()
    return [school.id for school in schools]


def a_day(rng: random.Random) -> datetime:
    """A moment from a month before the first scope to a month after the last."""
    return T0 + timedelta(days=rng.randint(-30, 145), hours=rng.randint(0, 23))


def respond(session, rng: random.Random, user: User, code: str, answers: dict) -> None:
    started = T0 + timedelta(days=rng.randint(-20, 100), minutes=rng.randint(0, 600))
    completed = None if rng.random() < 0.15 else started + timedelta(minutes=5)
    response = Response(user_id=user.id, questionnaire_code=code,
                        questionnaire_version=VERSIONS[code],
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


def state_when_ended(pair: Pair, scope: reports.Scope) -> str | None:
    """The pair's status at the end of the scope's period; None: not a pair of the scope."""
    if ((scope.school_ids is not None and pair.school_id not in scope.school_ids)
            or (scope.form is not None and pair.form != scope.form)
            or pair.created_at >= scope.until
            or (pair.ended_at is not None and pair.ended_at < scope.since)):
        return None
    if pair.ended_at is not None and pair.ended_at < scope.until:
        return pair.status
    if pair.started_on is not None and pair.started_on <= scope.last_day:
        return PairStatus.ACTIVE
    return PairStatus.PROPOSED


async def expected_pairs(session, scope: reports.Scope) -> tuple[Counter, int]:
    """The pairs of the period by their status when it ended and form, and how many of them
    were active at some moment of it."""
    states = [(pair, state_when_ended(pair, scope)) for pair in await session.scalars(select(Pair))]
    return (Counter((state, pair.form) for pair, state in states if state),
            sum(1 for pair, state in states if state and pair.started_on is not None
                and pair.started_on <= scope.last_day))


async def expected_people(session, scope: reports.Scope) -> figures.People:
    """The KPIs' people by sets, as summarize counted them before the SQL aggregates."""
    persons = await reports.people(session, scope)
    pairs = (await session.execute(
        select(PairMember.user_id, PairMember.consent, Pair)
        .join(Pair, Pair.id == PairMember.pair_id))).all()
    in_pairs = {user_id for user_id, consent, pair in pairs
                if consent != "declined" and (state := state_when_ended(pair, scope))
                and (state != PairStatus.CANCELLED or pair.started_on is not None)}
    leaving = {user.id for user in await session.scalars(select(User))
               if not (user.is_active or (user.erased_at and user.erased_at >= scope.until))
               or (user.unreachable_at and user.unreachable_at < scope.until)}
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
                                                             [r.value for r in roles],
                                                             withdrawn=True)
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
            summary = await figures.summarize(session, scope, questionnaires, scope.until)
            assert (summary.pairs, summary.active_pairs) == await expected_pairs(session, scope)


async def test_an_empty_scope_has_no_figures(running):
    questionnaires = [(q.id, set(q.audience.roles)) for q in running.app.surveys.catalog]
    async with running.session() as session:
        summary = await figures.summarize(session, reports.Scope((), None, T0, T0),
                                          questionnaires, T0)
    assert (summary.roles, summary.completion, summary.satisfaction, summary.deficits) == (
        Counter(), {}, {}, [])
    assert [(kpi.done, kpi.total, kpi.percent) for kpi in summary.kpis] == [(0, 0, None)] * 4


def a_value(question):
    """An answer of the question's type, a score where it takes one."""
    if question.type in (QuestionType.SCALE, QuestionType.NUMBER):
        return random.randint(question.min or 0, question.max or 10)
    if question.type is QuestionType.YES_NO:
        return False
    if question.type is QuestionType.MULTIPLE:
        return [question.options[0].value]
    if question.type is QuestionType.SINGLE:
        return question.options[0].value
    return "Написала Мария Ивановна"


async def take(session, surveys, user: User, code: str, *, again: bool = False) -> Response:
    response = await surveys.begin(session, user, code, again=again)
    step = await surveys.step(session, response)
    while step is not None:
        step = await surveys.answer(session, response, step.question, a_value(step.question))
    return response


async def rollup_of(session, response: Response) -> dict[str, int | None]:
    """The response's rollup row by question id, checked to hold what its stored answers do."""
    row = (await session.execute(select(response_scores).where(
        response_scores.c.response_id == response.id))).one()
    questions = [q.id for q in running_catalog(session).get(response.questionnaire_code).questions]
    stored = dict((await session.execute(select(Answer.question_id, Answer.value).where(
        Answer.response_id == response.id))).all())
    assert (row.user_id, row.completed_at) == (response.user_id, response.completed_at)
    assert row.answered == sum(1 << n for n, q in enumerate(questions) if q in stored)
    by_question = {q: row._mapping[f"score_{n}"] for n, q in enumerate(questions)}
    assert by_question == {q: stored[q] if type(stored.get(q)) is int else None
                           for q in questions}
    return by_question


def running_catalog(session):
    return session.info["catalog"]


async def test_a_completion_writes_its_rollup_and_a_retake_or_erasure_keeps_it(running):
    """The rollup is written when the last answer completes a response, through the service,
    in the same transaction; a retake gets its own; erasure rewrites it from what is left. The
    figures over it match the per-person functions at every step."""
    surveys = running.app.surveys
    scope = reports.Scope(None, None, T0, datetime(2100, 1, 1, tzinfo=UTC))
    async with running.session() as session:
        session.info["catalog"] = surveys.catalog
        school = School(name="S", normalized_name="s")
        session.add(school)
        await session.flush()
        user = User(telegram_id=9100, consent_at=T0)
        user.profile = Profile(full_name="Мария", school_id=school.id, experience_years=1)
        user.roles = [UserRole(role=Role.MENTEE_TEACHER.value, form="teacher_teacher",
                               school_id=school.id, is_active=True, confirmed_at=T0,
                               created_at=T0)]
        session.add(user)
        await session.commit()

        async def check_figures() -> None:
            counted = await reports.satisfaction_scores(session, scope)
            assert await figures.satisfaction(session, scope) == expected_satisfaction(counted)
            assert await figures.diagnoses(session, scope) == expected_diagnoses(
                *await reports.diagnoses(session, scope))

        first = await take(session, surveys, user, "satisfaction_mentee")
        diagnosis = await take(session, surveys, user, "diagnosis_mentee")
        assert first.completed_at is not None and diagnosis.completed_at is not None
        assert [score for score in (await rollup_of(session, first)).values() if score]
        await rollup_of(session, diagnosis)
        await check_figures()
        # Not committed yet: the rows belong to the completions' own transaction.
        await session.rollback()
        rows = select(func.count()).select_from(response_scores)
        assert await session.scalar(rows) == 0

        await session.refresh(user, ["roles", "profile"])
        first = await take(session, surveys, user, "satisfaction_mentee")
        again = await take(session, surveys, user, "satisfaction_mentee", again=True)
        await take(session, surveys, user, "diagnosis_mentee")
        await take(session, surveys, user, "diagnosis_mentee", again=True)
        await session.commit()
        assert again.id != first.id and await session.scalar(rows) == 4
        kept = await rollup_of(session, first)
        await rollup_of(session, again)
        await check_figures()

        await session.refresh(user)
        await privacy.erase(session, user, surveys, T0)
        await session.commit()
        assert await session.scalar(rows) == 4
        assert await rollup_of(session, first) == kept
        await rollup_of(session, again)
        await check_figures()
