"""A restart (a new app and Dispatcher over the same database) resumes every flow in place."""

import asyncio

import pytest
from sqlalchemy import select

from bot.factory import build_app
from models import Response
from tests.conftest import Running
from tests.flows import TEACHER_MENTEE, begin_profile, register, stored_user
from tests.telegram import texts

pytestmark = [pytest.mark.db, pytest.mark.fsm]


async def restart(running: Running, settings) -> Running:
    await running.stop()
    return await Running(build_app(settings)).start()


async def test_typed_answer_after_restart_lands_on_the_right_question(settings):
    first = await Running(build_app(settings)).start()
    anna = first.person()
    await register(anna, TEACHER_MENTEE)
    await anna.press("Начать: Диагностика")
    for score in "3210321":
        await anna.press(score)
    button_message = anna.last.message_id
    second = await restart(first, settings)
    try:
        anna = second.person(anna.user.id)
        # The question on screen (question 8) still takes its button after the restart.
        _, data = first.person(anna.user.id).find_button("0")
        await anna.press_data(data, button_message)
        # The free-text question is answered by a plain message: the state survived too.
        said = texts(await anna.send("Нужна помощь с журналом"))
        assert any("заполнена" in t for t in said)
        async with second.session() as session:
            response = await session.scalar(select(Response))
            values = {a.question_id: a.value for a in response.answers}
        assert response.completed_at is not None
        assert [values[f] for f in ("area_methods", "area_safety", "expected_help")] \
            == [3, 0, "Нужна помощь с журналом"]
    finally:
        await second.stop()


async def test_surveys_list_continues_after_restart(settings):
    first = await Running(build_app(settings)).start()
    anna = first.person()
    await register(anna, TEACHER_MENTEE)
    await anna.press("Начать: Диагностика")
    await anna.press("2")
    await anna.press("2")
    await anna.send("/cancel")
    second = await restart(first, settings)
    try:
        anna = second.person(anna.user.id)
        await anna.send("/surveys")
        assert "в процессе (ответов: 2)" in anna.last.text
        await anna.press("Продолжить: Диагностика")
        assert "Вопрос 3 из 9" in anna.last.text
    finally:
        await second.stop()


async def test_profile_in_progress_survives_restart(settings):
    first = await Running(build_app(settings)).start()
    anna = first.person()
    await begin_profile(anna, "Иванова Анна", "Школа 5")
    await anna.press("Назад")  # now on «school» again, cursor kept in FSM storage
    second = await restart(first, settings)
    try:
        anna = second.person(anna.user.id)
        await anna.send("Лицей 3")
        async with second.session() as session:
            user = await stored_user(session, anna.user.id)
            assert user.profile.school.name == "Лицей 3"
            assert user.profile.full_name == "Иванова Анна"
    finally:
        await second.stop()


async def test_a_stop_finishes_the_updates_in_hand_first(settings, caplog):
    running = await Running(build_app(settings)).start()
    anna = running.person()
    await register(anna, TEACHER_MENTEE)
    await anna.press("Начать: Диагностика")
    dispatcher = running.app.dispatcher
    before = len(running.bot.session.requests)
    # Polling has confirmed this update to Telegram and handed it to a task when Ctrl-C comes.
    task = asyncio.create_task(dispatcher.feed_update(running.bot, anna.pressing("2")))
    dispatcher._handle_update_tasks.add(task)
    await running.stop()
    assert task.done() and task.exception() is None
    assert "failed" not in caplog.text
    said = texts(running.bot.session.requests[before:])
    assert any("Вопрос 2 из 9" in text for text in said), said
    second = await Running(build_app(settings)).start()
    try:
        async with second.session() as session:
            response = await session.scalar(select(Response))
            assert {a.question_id: a.value for a in response.answers} == {"area_methods": 2}
    finally:
        await second.stop()
