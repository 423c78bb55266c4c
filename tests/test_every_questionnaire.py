"""Every questionnaire file, walked to the end through the bot by a person it is meant for.

The walk is driven by the file itself, so a questionnaire added later is covered without new
test code: each step is answered the way its type asks, and every answer must be in the database.
"""

import pytest
from sqlalchemy import select

from bot.config import PROJECT_ROOT
from domain.questionnaire import Catalog, QuestionType
from models import Response, User
from tests.flows import (
    PUPIL_MENTEE,
    PUPIL_MENTOR,
    TEACHER_MENTEE,
    TEACHER_MENTOR,
    join,
    register_curator,
)

pytestmark = pytest.mark.db
CATALOG = Catalog.from_directory(PROJECT_ROOT / "content" / "questionnaires")
PROFILE_OF_ROLE = {"mentee_teacher": TEACHER_MENTEE, "mentor_teacher": TEACHER_MENTOR,
                   "mentee_pupil": PUPIL_MENTEE, "mentor_pupil": PUPIL_MENTOR}
TYPED = "Ответ словами"


async def current_response(running, telegram_id: int) -> Response | None:
    async with running.session() as session:
        return await session.scalar(
            select(Response).join(User, User.id == Response.user_id)
            .where(User.telegram_id == telegram_id).order_by(Response.id.desc()).limit(1))


@pytest.mark.parametrize("questionnaire", list(CATALOG), ids=lambda q: q.id)
async def test_questionnaire_can_be_completed(running, questionnaire):
    # A colleague of each teacher role first, so that preference lists have someone to offer;
    # all of them confirmed in the school (by its invitations), as those lists require.
    curator = await register_curator(running)
    for telegram_id, profile in ((500, TEACHER_MENTOR), (501, TEACHER_MENTEE)):
        await join(running, curator, running.person(telegram_id), profile, profile["role"])
    person = running.person(1)
    profile = PROFILE_OF_ROLE[questionnaire.audience.roles[0]]
    await join(running, curator, person, profile, profile["role"])
    await person.press(f"Начать: {questionnaire.title.ru}")
    expected: dict[str, object] = {}
    for _ in range(len(questionnaire.questions) + 1):
        response = await current_response(running, person.user.id)
        if response.completed_at is not None:
            break
        question = questionnaire.question(response.current_question or
                                          questionnaire.questions[0].id)
        # In the words of the respondent's role, where the file words it by role.
        worded = question.worded_for([response.role]).text.ru
        assert worded in person.last.text.replace("&quot;", '"')
        if question.type in (QuestionType.TEXT, QuestionType.NUMBER):
            value = TYPED if question.type is QuestionType.TEXT else question.min
            await person.send(str(value))
        elif question.type is QuestionType.MULTIPLE:
            first_label, _ = person.last.buttons()[0]
            await person.press(first_label)
            await person.press("Готово")
            value = None  # checked by count below: the option value depends on the database
        else:
            first_label, _ = person.last.buttons()[0]
            await person.press(first_label)
            value = {QuestionType.SCALE: question.min, QuestionType.YES_NO: True}.get(
                question.type, question.options[0].value if question.options else None)
        expected[question.id] = value
    response = await current_response(running, person.user.id)
    assert response.completed_at is not None
    stored = {a.question_id: a.value for a in response.answers}
    assert stored.keys() == expected.keys()
    for question_id, value in expected.items():
        if value is not None:
            assert stored[question_id] == value, question_id
        else:
            assert len(stored[question_id]) == 1
    assert f"«{questionnaire.title.ru}» заполнена" in "\n".join(
        m.text for m in person.messages()[-2:])


async def test_questions_are_shown_in_english(running):
    john = running.person(7, language_code="en")
    await john.send("/start")
    await john.press("I agree")
    await john.press("Mentee (teacher)")
    await john.send("John Smith")
    await john.send("School 1")
    assert "Which subjects do you teach?" in john.last.text
    assert "Mathematics" in str(john.last.buttons())
    await john.press("Mathematics")
    await john.press("Done")
    await john.send("1")
    await john.press("Young specialist")
    assert "Diagnosis of professional deficits" in john.last.text
    await john.press("Start: Diagnosis")
    assert "Question 1 of 9" in john.last.text
