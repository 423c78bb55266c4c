"""Questionnaires end to end through the real Dispatcher, checking the chat and the database."""

import pytest
from aiogram.types import Dice
from sqlalchemy import select

from handlers.callbacks import Act, AnswerButton, Flow
from models import Answer, Response, User
from tests.flows import (
    PUPIL_MENTEE,
    PUPIL_MENTOR,
    TEACHER_MENTEE,
    TEACHER_MENTOR,
    consent,
    join,
    register,
    register_curator,
    stored_user,
)
from tests.telegram import texts

pytestmark = pytest.mark.db
AREAS = ["area_methods", "area_technologies", "area_assessment", "area_control",
         "area_programmes", "area_parents", "area_colleagues", "area_safety"]


async def responses_of(running, person) -> list[Response]:
    async with running.session() as session:
        query = (select(Response).join(User, User.id == Response.user_id)
                 .where(User.telegram_id == person.user.id).order_by(Response.id))
        return list((await session.scalars(query)).all())


def answers(response: Response) -> dict:
    return {a.question_id: a.value for a in response.answers}


async def test_diagnosis_end_to_end_with_condition_and_skip(running):
    """The mentee's situation is asked once, in the profile; the diagnosis shows its burnout
    question on that answer and does not ask the situation again."""
    anna = running.person()
    await register(anna, {**TEACHER_MENTEE, "category": "Выгорание"})
    await anna.press("Начать: Диагностика профессиональных дефицитов")
    assert "Вопрос 1 из 10" in anna.last.text  # the profile's answer reveals one more question
    for number, score in enumerate([3, 2, 1, 0, 3, 2, 1, 0], start=1):
        assert f"Вопрос {number} из 10" in anna.last.text
        await anna.press(str(score))
    # Each answer is in the database the moment it is given.
    (response,) = await responses_of(running, anna)
    assert answers(response) == dict(zip(AREAS, [3, 2, 1, 0, 3, 2, 1, 0], strict=True))
    assert response.completed_at is None and response.current_question == "burnout_details"
    assert "Вопрос 9 из 10" in anna.last.text and "труднее всего" in anna.last.text
    await anna.press("Пропустить")
    assert "Вопрос 10 из 10" in anna.last.text
    said = texts(await anna.send("Помощь с классным руководством и документацией."))
    assert any("Анкета «Диагностика профессиональных дефицитов» заполнена" in t for t in said)
    assert "🟢 Диагностика профессиональных дефицитов — заполнена" in anna.last.text
    (response,) = await responses_of(running, anna)
    assert response.completed_at is not None and response.questionnaire_version == 3
    assert response.role == "mentee_teacher"
    saved = {a.question_id: (a.value, a.skipped) for a in response.answers}
    assert "category" not in saved
    assert saved["burnout_details"] == (None, True)
    async with running.session() as session:
        user = await stored_user(session, anna.user.id)
        assert user.profile.mentee_category == "burnout"
    # A young specialist is not asked about burnout: nine questions, numbered without a gap.
    boris = running.person(2)
    await register(boris, TEACHER_MENTEE)
    await boris.press("Начать: Диагностика профессиональных дефицитов")
    for number in range(1, 9):
        assert f"Вопрос {number} из 9" in boris.last.text
        await boris.press("1")
    assert "Вопрос 9 из 9" in boris.last.text and "Какую помощь" in boris.last.text
    assert saved["expected_help"] == ("Помощь с классным руководством и документацией.", False)


async def test_back_changes_an_answer_and_returns_to_where_it_was(running):
    anna = running.person()
    await register(anna, TEACHER_MENTEE)
    await anna.press("Начать: Диагностика")
    await anna.press("3")
    await anna.press("2")
    await anna.press("Назад")
    assert "Вопрос 2 из 9" in anna.last.text and "Текущий ответ: 2" in anna.last.text
    await anna.press("Назад")
    assert "Вопрос 1 из 9" in anna.last.text and "Назад" not in str(anna.last.buttons())
    await anna.press("0")
    # Back at the first unanswered question, not at question 2 again.
    assert "Вопрос 3 из 9" in anna.last.text
    (response,) = await responses_of(running, anna)
    assert answers(response) == {"area_methods": 0, "area_technologies": 2}


async def test_bad_input_gets_a_hint_and_the_same_question(running):
    anna = running.person()
    await register(anna, TEACHER_MENTEE)
    await anna.press("Начать: Диагностика")
    said = texts(await anna.send("очень трудно"))
    assert "Пожалуйста, выберите ответ кнопкой под вопросом." in said
    assert "Вопрос 1 из 9" in anna.last.text
    said = texts(await anna.send("7"))
    assert "Число должно быть от 0 до 3." in said
    said = texts(await anna.send("/unknown"))
    assert any("Такой команды нет" in t for t in said)
    said = texts(await anna.send(dice=Dice(emoji="🎲", value=3)))
    assert "Ответьте, пожалуйста, текстом или кнопкой." in said
    await anna.send("2")  # a digit typed for a scale is accepted
    for _ in range(7):
        await anna.press("1")
    said = texts(await anna.send("а" * 1501))
    assert "Слишком длинно: 1\xa0501 символов, можно до 1\xa0500. Сократите, пожалуйста." in said
    assert "Какую помощь" in anna.last.text
    (response,) = await responses_of(running, anna)
    assert response.completed_at is None and "expected_help" not in answers(response)
    assert answers(response)["area_methods"] == 2


async def test_stale_and_forged_buttons_change_nothing(running):
    anna, boris = running.person(1), running.person(2)
    await register(anna, TEACHER_MENTEE)
    await register(boris, TEACHER_MENTEE)
    await anna.press("Начать: Диагностика")
    first_question = anna.last
    message_id, old_data = anna.find_button("3", first_question)
    await anna.press_data(old_data, message_id)
    await anna.press("1")  # question 2, on the same (edited) message
    # The old button of question 1, replayed: a hint and question 3 again, nothing changes.
    said = texts(await anna.press_data(old_data, message_id))
    assert "Эта кнопка из старого сообщения. Вот актуальный вопрос." in said
    assert "Вопрос 3 из 9" in anna.last.text
    (anna_response,) = await responses_of(running, anna)
    assert answers(anna_response) == {"area_methods": 3, "area_technologies": 1}
    # Boris forges a button for Anna's response.
    forged = AnswerButton(flow=Flow.SURVEY, ref=anna_response.id, question="area_assessment",
                          act=Act.PICK, pick=0).pack()
    said = texts(await boris.press_data(forged))
    assert said == ["Эта кнопка из старого сообщения. Вот актуальный вопрос."]
    assert not any("Вопрос" in m.text and "Оценка" in m.text for m in boris.messages()[-1:])
    # Malformed data and an out-of-range option.
    said = texts(await anna.press_data("ans:garbage"))
    assert said == ["Эта кнопка больше не действует."]
    bad_pick = AnswerButton(flow=Flow.SURVEY, ref=anna_response.id, question="area_assessment",
                            act=Act.PICK, pick=9).pack()
    said = texts(await anna.press_data(bad_pick))
    assert said == ["Число должно быть от 0 до 3."]
    (anna_response,) = await responses_of(running, anna)
    assert answers(anna_response) == {"area_methods": 3, "area_technologies": 1}
    assert await responses_of(running, boris) == []


async def test_a_text_sent_before_its_question_is_not_taken_as_its_answer(running):
    anna = running.person()
    await register(anna, {**TEACHER_MENTEE, "category": "Выгорание"})
    await anna.press("Начать: Диагностика")
    for _ in AREAS:
        await anna.press("1")
    # Two messages in a row, the second sent before the bot asked the next question: it
    # continues the first, it is not the answer to a question not yet on the screen.
    first, second = anna.typing("Устала от отчётов."), anna.typing("И от проверок тоже.")
    await anna.deliver(first)
    assert "Какую помощь" in anna.last.text
    said = texts(await anna.deliver(second))
    assert said[0] == ("Это сообщение пришло раньше, чем вопрос ниже, поэтому ответом на него "
                       "не засчитано. Ответьте, пожалуйста, на вопрос.")
    assert "Какую помощь" in said[1]
    (response,) = await responses_of(running, anna)
    assert answers(response)["burnout_details"] == "Устала от отчётов."
    assert "expected_help" not in answers(response)
    # Sent after the question: taken.
    await anna.send("Наставник по документации.")
    (response,) = await responses_of(running, anna)
    assert answers(response)["expected_help"] == "Наставник по документации."
    assert response.completed_at is not None


async def test_a_button_pressed_twice_does_not_ask_the_next_question_twice(running):
    anna = running.person()
    await register(anna, TEACHER_MENTEE)
    await anna.press("Начать: Диагностика")
    twice = [anna.pressing("2"), anna.pressing("2")]
    await anna.deliver(twice[0])
    question_two = anna.last
    assert "Вопрос 2 из 9" in question_two.text
    sent = await anna.deliver(twice[1])
    # The pressed message shows question 2 already: no copy of it, which would read as the
    # question asked again (and a text typed again would answer the one after).
    assert [type(r).__name__ for r in sent] == ["AnswerCallbackQuery", "EditMessageText"]
    assert anna.last is question_two and "Вопрос 2 из 9" in anna.last.text
    (response,) = await responses_of(running, anna)
    assert answers(response) == {"area_methods": 2}


async def test_preferences_rank_mentors_of_the_same_school(running):
    curator = await register_curator(running)
    mentors = [running.person(10 + i) for i in range(3)]
    names = ["Петров Пётр", "Орлова Ольга", "Смирнов Семён"]
    for mentor, name in zip(mentors, names, strict=True):
        await join(running, curator, mentor, {**TEACHER_MENTOR, "name": name},
                   "Наставник (педагог)")
    elsewhere = running.person(20)
    await register(elsewhere, {**TEACHER_MENTOR, "name": "Чужой Наставник", "school": "Гимназия 2"})
    unconfirmed = running.person(21)
    await register(unconfirmed, {**TEACHER_MENTOR, "name": "Неподтверждённый Наставник"})
    anna = running.person(1)
    await join(running, curator, anna, TEACHER_MENTEE, "Наставляемый (педагог)")
    await anna.press("Начать: Предпочтения")
    labels = [text for text, _ in anna.last.buttons()]
    assert not any("Чужой" in label or "Неподтверждённый" in label for label in labels)
    await anna.press("Смирнов")
    await anna.press("Петров")
    await anna.press("Орлова")
    await anna.press("Смирнов")  # unticked; the others keep their order
    labels = [text for text, _ in anna.last.buttons()]
    assert labels[:3] == ["2. Орлова Ольга", "1. Петров Пётр", "▫️ Смирнов Семён"]
    await anna.press("Смирнов")
    assert "3. Смирнов Семён" in str(anna.last.buttons())
    await anna.press("Готово")
    await anna.press("Готово")  # interaction models: nothing ticked yet
    assert "Выберите хотя бы 1." in texts(running.bot.session.requests[-1:])
    await anna.press("Сделаем вместе")
    await anna.press("Готово")
    await anna.press("Онлайн")
    await anna.press("Пропустить")
    (response,) = await responses_of(running, anna)
    async with running.session() as session:
        ids = [str((await stored_user(session, m.user.id)).id) for m in mentors]
    assert response.completed_at is not None
    assert answers(response) == {
        "preferred_mentors": [ids[0], ids[1], ids[2]],
        "interaction_models": ["together"], "meeting_format": "online", "comment": None,
    }


async def test_satisfaction_mentee_yes_no_and_condition(running):
    anna = running.person()
    await register(anna, TEACHER_MENTEE)
    await anna.press("Начать: Анкета удовлетворённости наставляемого")
    for score in ["8", "9", "10", "7", "6", "5", "4", "3", "2"]:
        await anna.press(score)
    await anna.send("Поддержки в первый год.")
    await anna.press("Пропустить")
    await anna.send("Больше открытых уроков.")
    await anna.press("Да")
    said = texts(await anna.send("нет"))  # a typed «нет» counts for a yes/no question
    assert any("Почему" in t or "почему" in t for t in said)
    await anna.send("Переезжаю в другой город.")
    await anna.press("Нет")
    await anna.press("Да")
    (response,) = await responses_of(running, anna)
    saved = answers(response)
    assert response.completed_at is not None
    assert saved["effectiveness"] == 8 and saved["expectations_met"] == 2
    assert saved["glad_participated"] is True and saved["wish_continue"] is False
    assert saved["why_not_continue"] == "Переезжаю в другой город."
    assert saved["future_at_school"] is False and saved["own_works"] is True
    assert saved["most_valuable"] is None


@pytest.mark.parametrize("profile", [PUPIL_MENTEE, PUPIL_MENTOR])
async def test_pupils_see_only_their_questionnaire(running, profile):
    kolya = running.person()
    await register(kolya, profile)
    listing = kolya.last.text
    assert "Диагностика" not in listing and "Предпочтения" not in listing
    await kolya.press("Начать:")
    for score in ["9", "8", "7", "6", "5"]:
        await kolya.press(score)
    await kolya.press("Пропустить")
    await kolya.press("Пропустить")
    await kolya.press("Да")
    await kolya.press("Да")
    (response,) = await responses_of(running, kolya)
    assert response.questionnaire_code == "satisfaction_pupil"
    assert response.completed_at is not None and answers(response)["effectiveness"] == 9


async def test_the_two_pupil_roles_are_asked_about_their_own_partner(running):
    """satisfaction_pupil words its partner questions by role: the pupil mentor reads about the
    pupil they helped, the pupil mentee about their mentor, in the profile too («ты»)."""
    masha, kolya = running.person(1), running.person(2)
    await consent(masha)
    await masha.press(PUPIL_MENTOR["role"])
    assert "Как тебя зовут: фамилия и имя?" in masha.last.text
    await masha.send(PUPIL_MENTOR["name"])
    await masha.send(PUPIL_MENTOR["school"])
    assert "Скольким ученикам ты готов(а) помогать одновременно?" in masha.last.text
    await masha.press(PUPIL_MENTOR["capacity"])
    await masha.press(PUPIL_MENTOR["grade"])
    await masha.press(PUPIL_MENTOR["help"][0])
    await masha.press("Готово")
    await masha.press("Пропустить")  # the parent's contact
    await register(kolya, PUPIL_MENTEE)
    said = []
    for person in (masha, kolya):
        await person.press("Начать:")
        await person.press("9")
        shown = person.last.text
        await person.press("8")
        said.append(shown + person.last.text)
    said_to_masha, said_to_kolya = said
    assert "общаться с учеником, которому ты помогал(а)?" in said_to_masha
    assert "встречи с учеником, которому ты помогал(а)?" in said_to_masha
    assert "общаться со своим наставником?" in said_to_kolya
    assert "встречи с наставником?" in said_to_kolya
    assert "напарник" not in said_to_masha + said_to_kolya
    masha_response, kolya_response = (await responses_of(running, masha))[0], \
        (await responses_of(running, kolya))[0]
    assert (masha_response.role, kolya_response.role) == ("mentor_pupil", "mentee_pupil")


async def test_retake_creates_a_new_response_and_keeps_history(running):
    petr = running.person()
    await register(petr, TEACHER_MENTOR)
    await petr.press("Начать: Диагностика")
    for _ in range(8):
        await petr.press("3")
    await petr.press("Пропустить")
    assert "заполнена" in petr.last.text
    await petr.press("Пройти заново: Диагностика")
    await petr.press("1")
    first, second = await responses_of(running, petr)
    assert first.completed_at is not None and answers(first)["area_methods"] == 3
    assert second.completed_at is None and answers(second) == {"area_methods": 1}
    await petr.send("/surveys")
    assert "в процессе (ответов: 1)" in petr.last.text


async def test_text_answers_keep_their_exact_content(running):
    anna = running.person()
    await register(anna, TEACHER_MENTEE)
    await anna.press("Начать: Диагностика")
    for _ in range(8):
        await anna.press("0")
    tricky = "<b>не разметка</b> & «кавычки» 🙂"
    await anna.send(tricky)
    (response,) = await responses_of(running, anna)
    assert answers(response)["expected_help"] == tricky
    async with running.session() as session:
        stored = await session.scalar(select(Answer).where(Answer.question_id == "expected_help"))
        assert stored.value == tricky
