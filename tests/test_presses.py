"""Every button press is answered exactly once (bot/presses.py): by the bot after a handler that
says nothing, by the handler when it says something, by the error handler when it fails."""

import pytest
from aiogram.methods import AnswerCallbackQuery

from tests.flows import TEACHER_MENTEE, register

pytestmark = pytest.mark.db


def answers(requests) -> list[AnswerCallbackQuery]:
    return [r for r in requests if isinstance(r, AnswerCallbackQuery)]


async def test_a_press_whose_handler_says_nothing_is_answered_once_after_its_replies(running):
    anna = running.person()
    await register(anna, TEACHER_MENTEE)
    await anna.send("/surveys")
    said = await anna.press("Начать: Диагностика")
    answered = answers(said)
    assert len(answered) == 1 and answered[0].text is None
    assert said[-1] is answered[0]  # the question went out first
    said = await anna.press("2")
    assert len(answers(said)) == 1


async def test_a_handler_that_answers_is_not_answered_again(running):
    anna = running.person()
    await register(anna, TEACHER_MENTEE)
    await anna.send("/settings")
    answered = answers(await anna.press("Москва"))
    assert [a.text for a in answered] == ["Сохранено."]


async def test_a_stale_press_is_answered_once_with_the_alert(running):
    anna = running.person()
    await register(anna, TEACHER_MENTEE)
    await anna.send("/surveys")
    await anna.press("Начать: Диагностика")
    first_question_message, two = anna.find_button("2")
    await anna.press("2")
    # The first question's button again: the questionnaire has moved on.
    answered = answers(await anna.press_data(two, first_question_message))
    assert len(answered) == 1 and answered[0].show_alert
