"""services.reports against a dataset written straight into the database: every figure of the
summary, each KPI formula, and the scope (schools, form, period)."""

from datetime import UTC, date, datetime, timedelta

import pytest

from models import Answer, Meeting, Pair, PairMember, Profile, Response, School, User, UserRole
from services import figures, reports, scores
from tests.flows import VERSIONS

pytestmark = pytest.mark.db
T0 = datetime(2026, 10, 1, 12, tzinfo=UTC)
# When the dataset's people took their roles and its pairs were proposed.
JOINED = datetime(2026, 8, 20, tzinfo=UTC)
NOW = datetime(2026, 11, 22, 9, tzinfo=UTC)
AREAS8 = ("area_methods", "area_technologies", "area_assessment", "area_control",
          "area_programmes", "area_parents", "area_colleagues", "area_safety")


def _scope(**changes) -> reports.Scope:
    values = {"school_ids": None, "form": None, "since": datetime(2026, 8, 1, tzinfo=UTC),
              "until": datetime(2026, 11, 23, tzinfo=UTC)}
    return reports.Scope(**(values | changes))


class Dataset:
    def __init__(self, session):
        self.session, self.ids = session, iter(range(1, 10_000))

    def person(self, school: School, role: str, form: str, years: int | None = None,
               blocked: bool = False) -> User:
        number = next(self.ids)
        user = User(telegram_id=5000 + number, consent_at=T0, is_active=True,
                    unreachable_at=T0 if blocked else None)
        user.profile = Profile(full_name=f"P{number}", school_id=school.id,
                               experience_years=years)
        user.roles = [UserRole(role=role, form=form, school_id=school.id, confirmed_at=T0,
                                created_at=JOINED)]
        self.session.add(user)
        return user

    def response(self, user: User, code: str, answers: dict, completed: datetime | None,
                 role: str) -> None:
        response = Response(user_id=user.id, questionnaire_code=code,
                            questionnaire_version=VERSIONS[code], role=role,
                            started_at=(completed or T0) - timedelta(minutes=5),
                            completed_at=completed)
        response.answers = [Answer(question_id=k, value=v) for k, v in answers.items()]
        self.session.add(response)

    def pair(self, school: School, form: str, status: str, mentor: User, mentee: User,
             mentee_consent: str | None = "agreed") -> Pair:
        # Started on September 1st unless never (a proposal, a refusal); ended at T0.
        pair = Pair(school_id=school.id, form=form, status=status, created_at=JOINED,
                    started_on=date(2026, 9, 1) if status in ("active", "completed") else None,
                    ended_at=T0 if status in ("completed", "cancelled") else None)
        pair.members = [PairMember(user_id=mentor.id, side="mentor", consent="agreed"),
                        PairMember(user_id=mentee.id, side="mentee", consent=mentee_consent)]
        pair.plan = []
        self.session.add(pair)
        return pair


def diagnosis(*scores: int) -> dict:
    return dict(zip(AREAS8, scores, strict=True))


async def test_every_figure_and_kpi(running):
    async with running.session() as session:
        first, second = School(name="A", normalized_name="a"), School(name="B", normalized_name="b")
        session.add_all([first, second])
        await session.flush()
        data = Dataset(session)
        mentor = data.person(first, "mentor_teacher", "teacher_teacher", 20)
        young = [data.person(first, "mentee_teacher", "teacher_teacher", years)
                 for years in (0, 2, 3)]
        senior = data.person(first, "mentee_teacher", "teacher_teacher", 10)
        pupil_mentor = data.person(first, "mentor_pupil", "pupil_pupil")
        pupil = data.person(first, "mentee_pupil", "pupil_pupil", blocked=True)
        elsewhere = data.person(second, "mentee_teacher", "teacher_teacher", 1)
        await session.flush()
        active = data.pair(first, "teacher_teacher", "active", mentor, young[0])
        data.pair(first, "teacher_teacher", "completed", mentor, young[1])
        data.pair(first, "teacher_teacher", "proposed", mentor, young[2], mentee_consent=None)
        data.pair(first, "teacher_teacher", "cancelled", mentor, senior,
                  mentee_consent="declined")
        data.pair(first, "pupil_pupil", "active", pupil_mentor, pupil)
        await session.flush()
        # Diagnoses: young[0] improves 8 → 3, young[1] worsens 2 → 4, young[2] once (6),
        # senior once; elsewhere's would count only in school B.
        data.response(young[0], "diagnosis_mentee", diagnosis(3, 2, 0, 0, 0, 0, 0, 3),
                      T0, "mentee_teacher")
        data.response(young[0], "diagnosis_mentee", diagnosis(1, 1, 0, 0, 0, 0, 0, 1),
                      T0 + timedelta(days=30), "mentee_teacher")
        data.response(young[1], "diagnosis_mentee", diagnosis(1, 1, 0, 0, 0, 0, 0, 0),
                      T0, "mentee_teacher")
        data.response(young[1], "diagnosis_mentee", diagnosis(2, 2, 0, 0, 0, 0, 0, 0),
                      T0 + timedelta(days=20), "mentee_teacher")
        data.response(young[2], "diagnosis_mentee", diagnosis(3, 3, 0, 0, 0, 0, 0, 0),
                      T0, "mentee_teacher")
        data.response(senior, "diagnosis_mentee", diagnosis(0, 3, 2, 0, 0, 0, 0, 0),
                      None, "mentee_teacher")  # begun, never finished
        data.response(elsewhere, "diagnosis_mentee", diagnosis(3, 3, 3, 3, 3, 3, 3, 3),
                      T0, "mentee_teacher")
        # Satisfaction: 9 and 6 from mentees (one before the period), 10 from the mentor.
        data.response(young[0], "satisfaction_mentee", {"effectiveness": 9, "comfort": 8},
                      T0, "mentee_teacher")
        data.response(young[1], "satisfaction_mentee", {"effectiveness": 6, "comfort": 10},
                      T0, "mentee_teacher")
        data.response(young[2], "satisfaction_mentee", {"effectiveness": 1},
                      datetime(2026, 5, 1, tzinfo=UTC), "mentee_teacher")
        data.response(mentor, "satisfaction_mentor", {"effectiveness": 10}, T0,
                      "mentor_teacher")
        # Meetings of the active pair: held, not held, unknown, future, proposed.
        for starts, status, held in ((T0, "accepted", True), (T0, "accepted", False),
                                     (T0, "accepted", None), (NOW + timedelta(days=1),
                                                              "accepted", None),
                                     (T0, "proposed", None)):
            session.add(Meeting(pair_id=active.id, starts_at=starts, place="-", topic="-",
                                model="together", status=status, held=held))
        # Written around the service, so their rollup too, as each completion would have.
        await scores.record_all(session)
        await session.commit()
        catalog = running.app.surveys.catalog
        questionnaires = [(q.id, set(q.audience.roles)) for q in catalog]

        summary = await figures.summarize(session, _scope(school_ids=(first.id,)),
                                          questionnaires, NOW)
    assert dict(summary.roles) == {"mentor_teacher": 1, "mentee_teacher": 4,
                                   "mentor_pupil": 1, "mentee_pupil": 1}
    assert dict(summary.pairs) == {("active", "teacher_teacher"): 1,
                                   ("completed", "teacher_teacher"): 1,
                                   ("proposed", "teacher_teacher"): 1,
                                   ("cancelled", "teacher_teacher"): 1,
                                   ("active", "pupil_pupil"): 1}
    # Active at some moment of the period: both active pairs and the completed one.
    assert summary.active_pairs == 3
    assert summary.completion["diagnosis_mentee"] == {"done": 3, "started": 1, "not_started": 0}
    # young[2] completed it before the period: started, not done, in this period.
    assert summary.completion["satisfaction_mentee"] == {"done": 2, "started": 1,
                                                         "not_started": 1}
    assert summary.satisfaction["satisfaction_mentee"] == {
        "effectiveness": (7.5, 50.0, 2), "comfort": (9.0, 100.0, 2)}
    assert summary.satisfaction["satisfaction_mentor"] == {"effectiveness": (10.0, 100.0, 1)}
    # Latest diagnoses: young[0] (1,1,…,1), young[1] (2,2,…), young[2] (3,3,…): weak ≥ 2.
    assert summary.deficits == [("area_methods", 66.7), ("area_technologies", 66.7)]
    assert (summary.meetings_held, summary.meetings_unknown) == (1, 1)
    assert summary.unreachable == 1
    kpis = {kpi.key: (kpi.done, kpi.total) for kpi in summary.kpis}
    # Young (≤ 3 years): young[0..2]; in a live or completed pair with consent: young[0..2]
    # (the proposed pair's mentee has not declined). Teachers: mentor, 3 young, senior (5);
    # paired: mentor + 3 young. Retained: the 3 young, none blocked. Rediagnosed: young[0]
    # (better) and young[1] (worse).
    assert kpis == {"young_involved": (3, 3), "teachers_involved": (4, 5),
                    "young_retained": (3, 3), "deficits_improved": (1, 2)}
    assert summary.kpis[0].percent == 100.0 and summary.kpis[3].percent == 50.0

    async with running.session() as session:
        pupils = await figures.summarize(session, _scope(school_ids=(first.id,),
                                                         form="pupil_pupil"), questionnaires, NOW)
        region = await figures.summarize(session, _scope(), questionnaires, NOW)
        september = await figures.summarize(
            session, _scope(school_ids=(first.id,), until=datetime(2026, 10, 1, tzinfo=UTC)),
            questionnaires, NOW)
    assert dict(pupils.roles) == {"mentor_pupil": 1, "mentee_pupil": 1}
    assert dict(pupils.pairs) == {("active", "pupil_pupil"): 1} and pupils.meetings_held == 0
    assert pupils.unreachable == 1 and "diagnosis_mentee" not in pupils.completion
    assert region.roles["mentee_teacher"] == 5
    assert region.completion["diagnosis_mentee"]["done"] == 4
    # Before October nothing was completed and no meeting held; the pairs that ended at T0
    # were still going: the completed one active, the refused one a proposal.
    assert september.completion["diagnosis_mentee"] == {"done": 0, "started": 0,
                                                        "not_started": 4}
    assert dict(september.pairs) == {("active", "teacher_teacher"): 2,
                                     ("proposed", "teacher_teacher"): 2,
                                     ("active", "pupil_pupil"): 1}
    assert september.meetings_held == 0 and september.satisfaction == {}
