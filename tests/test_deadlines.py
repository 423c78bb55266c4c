"""Programme calendars, stage deadlines and early warnings, with a controllable clock."""

import logging
import shutil
from datetime import UTC, datetime, timedelta

import pytest
from aiogram.exceptions import TelegramForbiddenError
from aiogram.methods import SendMessage
from sqlalchemy import func, select

from bot.config import PROJECT_ROOT
from bot.factory import build_app
from models import CalendarChoice, OutboxMessage
from tests.conftest import Running
from tests.flows import (
    TEACHER_MENTEE,
    active_pair,
    join,
    register_curator,
)
from tests.telegram import texts

pytestmark = pytest.mark.db
TEST_CALENDAR = """
id: test_calendar
version: 1
title: {ru: Тестовый календарь, en: Test calendar}
source: test
stages:
  - id: main
    title: {ru: Основной этап, en: Main stage}
    events:
      - id: diagnosis
        title: {ru: Диагностика дефицитов, en: Deficit diagnosis}
        starts: "11-01"
        due: "11-25"
        roles: [mentee_teacher]
        closes: {questionnaire: diagnosis_mentee}
      - id: council
        title: {ru: Совет наставников, en: Mentors' council}
        starts: "01-10"
        due: "01-20"
"""


@pytest.fixture
async def with_calendar(tmp_path, make_settings, clock):
    content = tmp_path / "content"
    shutil.copytree(PROJECT_ROOT / "content", content)
    (content / "calendars" / "test_calendar.yaml").write_text(TEST_CALENDAR, encoding="utf-8")
    running = await Running(build_app(make_settings(content_dir=content), clock=clock)).start()
    yield running
    await running.stop()


async def owed_count(running) -> int:
    async with running.session() as session:
        return await session.scalar(select(func.count(OutboxMessage.id)))


async def test_deadline_reminders_then_the_late_digest(with_calendar, clock):
    running = with_calendar
    curator = await register_curator(running)
    anna, boris = running.person(1), running.person(2)
    await join(running, curator, anna, {**TEACHER_MENTEE, "name": "Анна"}, "Наставляемый (педагог)")
    await join(running, curator, boris, {**TEACHER_MENTEE, "name": "Борис"},
               "Наставляемый (педагог)")
    await curator.send("/calendar")
    assert "Календарь не выбран" in curator.last.text
    await curator.press("Тестовый календарь")
    view = curator.last.text
    assert "✅" in str(curator.last.buttons()) and "01.11–25.11.2026 Диагностика дефицитов" in view
    assert "10.01–20.01.2027 Совет наставников" in view
    planner = running.app.daily_planner(running.outbox)
    await planner.run()  # 22.11, three days before the deadline
    await running.outbox.pump()
    for person in (anna, boris):
        assert "Срок: 25.11.2026" in person.last.text
        assert "Заполнить анкету" in str(person.last.buttons())
    before = await owed_count(running)
    await planner.run()  # again the same day: nothing twice
    assert await owed_count(running) == before
    await anna.press("Заполнить анкету")
    for _ in range(8):
        await anna.press("1")
    await anna.send("Помощь с журналом")
    clock.current = datetime(2026, 11, 26, 7, 0, tzinfo=UTC)
    await planner.run()
    await running.outbox.pump()
    digest = curator.last.text
    assert "Просрочено: Диагностика дефицитов" in digest and "Не выполнили: 1 — Борис" in digest


async def test_curator_shifts_the_calendar(with_calendar):
    running = with_calendar
    curator = await register_curator(running)
    await curator.send("/calendar")
    await curator.press("Тестовый календарь")
    await curator.press("+7 дн.")
    await curator.press("+1 дн.")
    assert "09.11–03.12.2026 Диагностика дефицитов" in curator.last.text
    async with running.session() as session:
        assert (await session.scalar(select(CalendarChoice))).shift_days == 8


async def test_picking_the_calendar_already_shown_again(with_calendar):
    # Telegram refuses to edit a message into what it already shows; this used to fail the
    # update (the fuzz test found it).
    running = with_calendar
    curator = await register_curator(running)
    await curator.send("/calendar")
    await curator.press("Тестовый календарь")
    shown = curator.last.text
    said = await curator.press("Тестовый календарь")
    assert texts(said) == ["Сохранено.", shown]
    # Answered once, as saved: not again by the error handler after the refused edit.
    assert [type(request).__name__ for request in said] == ["AnswerCallbackQuery",
                                                            "EditMessageText"]
    assert curator.last.text == shown


async def test_warnings_for_a_quiet_pair_and_a_blocked_participant(running, clock):
    curator, _, anna = await active_pair(running)
    planner = running.app.daily_planner(running.outbox)
    await planner.run()
    await running.outbox.pump()
    assert "не было встреч" not in curator.last.text
    clock.advance(timedelta(days=22))
    await planner.run()
    await running.outbox.pump()
    assert "У пары Наставник 0 → Наставляемая 0 не было встреч 21 дн." in curator.last.text
    await planner.run()  # the same week: no second warning
    await running.outbox.pump()
    warnings = [t for t in texts(running.bot.session.requests) if "не было встреч" in t]
    assert len(warnings) == 1
    # Anna blocks the bot: the next message to her fails with 403 and the curator is told.
    running.bot.session.failures[anna.user.id] = [
        TelegramForbiddenError(SendMessage(chat_id=1, text="x"), "Forbidden: blocked")]
    await curator.send("/pairs")
    await curator.press("Завершить")
    await curator.press("Да, завершить")
    await planner.run()
    await running.outbox.pump()
    assert "Наставляемая 0 заблокировал(а) бота" in curator.last.text


async def test_warning_when_nobody_reacts_to_a_meeting(running, clock):
    from tests.flows import propose_meeting

    curator, petr, anna = await active_pair(running)
    await propose_meeting(petr)
    await anna.press("Принять")
    clock.current = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)  # a day after: not yet
    planner = running.app.daily_planner(running.outbox)
    await planner.run()
    await running.outbox.pump()
    assert "никто не ответил" not in curator.last.text
    clock.current = datetime(2026, 11, 28, 9, 0, tzinfo=UTC)
    await planner.run()
    await running.outbox.pump()
    assert "Пара Наставник 0 → Наставляемая 0: после встречи 25.11.2026 никто не ответил" \
        in curator.last.text



async def test_another_process_planning_the_same_moment_is_a_line_not_a_traceback(
        running, monkeypatch, caplog):
    """Processes sharing a region's database plan at the same moments (each at its start, all
    at 09:00). When another one wrote the same owed message between this one's look for it
    and its write, the database refuses the second (the outbox's unique dedupe key): that plan
    is dropped whole with a line in the log, where the scheduler printed a traceback (seen in
    tests/test_webhook.py's two processes)."""
    from sqlalchemy.exc import IntegrityError

    from services import deadlines

    async def written_first_by_another(*args, **kwargs):
        raise IntegrityError("INSERT INTO outbox", {}, Exception("UNIQUE constraint failed"))

    caplog.set_level(logging.INFO, logger="bot.jobs")
    monkeypatch.setattr(deadlines, "plan_warnings", written_first_by_another)
    planner = running.app.daily_planner(running.outbox)
    await planner.plan_in_background()
    assert "another process planned the same messages just now" in caplog.text
    monkeypatch.setattr(deadlines, "plan_warnings", lambda *a, **k: 1 / 0)
    with pytest.raises(ZeroDivisionError):  # anything else is still the scheduler's to report
        await planner.plan_in_background()
