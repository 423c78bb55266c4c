"""The same update delivered twice (Telegram redelivers after a crash or a failed webhook call,
possibly to another bot process) is handled once."""

import asyncio
from datetime import timedelta

import pytest
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.exceptions import TelegramBadRequest
from aiogram.methods import AnswerCallbackQuery
from sqlalchemy import event, func, select

from bot.factory import build_app
from models import Answer, ProcessedUpdate
from tests.conftest import Running
from tests.flows import TEACHER_MENTEE, active_pair, register
from tests.telegram import Person, texts

pytestmark = pytest.mark.db


async def answer_rows(running) -> list[tuple[str, object]]:
    async with running.session() as session:
        rows = await session.execute(select(Answer.question_id, Answer.value)
                                     .order_by(Answer.id))
        return [tuple(row) for row in rows]


async def test_a_redelivered_answer_is_saved_and_answered_once(running):
    anna = running.person(1001)
    await register(anna, TEACHER_MENTEE)
    await anna.send("/surveys")
    await anna.press("Начать: Диагностика")
    first = await anna.press("2")
    assert any("Вопрос 2 из 9" in text for text in texts(first))
    saved = await answer_rows(running)
    assert len(saved) == 1

    again = await anna.redeliver()
    assert again == []  # not a word, not even an answer to the button press
    assert await answer_rows(running) == saved

    # The next question is answered as usual.
    await anna.press("3")
    assert [value for _, value in await answer_rows(running)] == [2, 3]


async def test_a_redelivered_command_is_answered_once(running, settings, clock):
    anna = running.person(1001)
    await register(anna, TEACHER_MENTEE)
    assert texts(await anna.send("/help"))
    assert await anna.redeliver() == []
    # Stopped and started again (a deploy), the process is handed the update once more.
    await running.stop()
    running.__init__(build_app(settings, clock=clock))
    await running.start()
    started = len(running.bot.session.requests)  # the command menus
    assert await running.app.dispatcher.feed_update(running.bot, anna.last_update) is UNHANDLED
    assert running.bot.session.requests[started:] == []
    async with running.session() as session:
        marked = await session.scalar(select(ProcessedUpdate.processed_at).where(
            ProcessedUpdate.update_id == anna.last_update.update_id))
    assert marked == clock.now()


async def test_a_read_costs_no_commit_its_mark_is_written_in_a_batch(running):
    # On PostgreSQL the read claims its mark first (a twin process waits on it), then rolls
    # it back with the rest of its transaction; on both, no commit until the batch.
    anna = running.person(1001)
    await register(anna, TEACHER_MENTEE)
    read_marks = running.app.dispatcher["read_marks"]
    await read_marks.close()  # registering's own reads, if any are waiting
    moment_passed = asyncio.Event()

    async def a_moment(_seconds: float) -> None:
        await moment_passed.wait()

    read_marks.sleep = a_moment
    async with running.session() as session:
        marks_before = await session.scalar(select(func.count()).select_from(ProcessedUpdate))
    commits = []
    event.listen(running.app.engine.sync_engine, "commit", commits.append)
    reader = Person(running.app.dispatcher, running.bot, 1001)  # no outbox pumped after each
    for _ in range(3):
        assert texts(await reader.send("/help"))
    assert commits == []
    moment_passed.set()
    await read_marks.pending_write
    assert len(commits) == 1
    async with running.session() as session:
        marks = await session.scalar(select(func.count()).select_from(ProcessedUpdate))
    assert marks == marks_before + 3
    assert await reader.redeliver() == []


async def test_two_processes_handed_the_same_update_handle_it_once(running, settings, clock):
    anna = running.person(1001)
    await register(anna, TEACHER_MENTEE)
    await anna.send("/surveys")
    await anna.press("Начать: Диагностика")
    # A second bot process over the same database and the same Bot API session.
    other = await Running(build_app(settings, clock=clock)).start()
    try:
        update = anna.pressing("1")
        requests_before = len(running.bot.session.requests)
        deliveries = [app.dispatcher.feed_update(running.bot, update)
                      for app in (running.app, other.app)]
        if running.app.engine.dialect.name == "postgresql":
            # At the same moment: the mark the first claimed makes the twin wait for its commit.
            await asyncio.gather(*deliveries)
        else:
            # Several processes are a PostgreSQL deployment; on SQLite the twin comes after
            # (a retry to another process), and only the mark stops it.
            for delivery in deliveries:
                await delivery
        said = running.bot.session.requests[requests_before:]
    finally:
        await other.stop()
    assert [value for _, value in await answer_rows(running)] == [1]
    # The loser's writes were rolled back before it could say anything.
    assert len([text for text in texts(said) if "Вопрос 2 из 9" in text]) == 1
    async with running.session() as session:
        marks = await session.scalar(select(func.count()).select_from(ProcessedUpdate)
                                     .where(ProcessedUpdate.update_id == update.update_id))
    assert marks == 1


async def test_marks_older_than_two_days_are_forgotten(running, clock):
    anna = running.person(1001)
    await register(anna, TEACHER_MENTEE)
    await running.app.dispatcher["read_marks"].write()  # registering's reads, marked a moment later
    planner = running.app.daily_planner(running.outbox)
    assert await planner.forget_old_updates() == 0
    clock.advance(timedelta(days=2, minutes=1))
    forgotten = await planner.forget_old_updates()
    assert forgotten > 0
    async with running.session() as session:
        assert await session.scalar(select(func.count()).select_from(ProcessedUpdate)) == 0


async def test_a_press_whose_answer_telegram_refuses_is_still_handled(running):
    # Redelivered after a crash, the press was already answered by the dead process (or it is
    # simply too old): Telegram refuses the answer, the answer to the question still counts.
    anna = running.person(1001)
    await register(anna, TEACHER_MENTEE)
    await anna.send("/surveys")
    await anna.press("Начать: Диагностика")
    session = running.bot.session
    real = session.make_request

    async def refusing(bot, method, timeout=None):  # noqa: ASYNC109
        if isinstance(method, AnswerCallbackQuery):
            raise TelegramBadRequest(method, "Bad Request: query is too old and response "
                                             "timeout expired or query ID is invalid")
        return await real(bot, method, timeout)

    session.make_request = refusing
    try:
        said = texts(await anna.press("2"))
    finally:
        session.make_request = real
    assert any("Вопрос 2 из 9" in text for text in said), said
    assert [value for _, value in await answer_rows(running)] == [2]


async def test_a_crash_between_the_notices_of_ending_a_pair_owes_each_once(running,
                                                                            monkeypatch):
    """Ending a pair owes a notice to each member: the work dies after the first. Nothing of it
    was committed, so Telegram's redelivery does it all again, and each notice is owed once."""
    from handlers import pairs as pair_handlers
    from models import OutboxMessage, Pair

    curator, petr, anna = await active_pair(running)
    await curator.send("/pairs")
    await curator.press("Завершить")
    owed = []
    real_owe = pair_handlers.owe

    async def owe_then_die(session, clock, worker, recipient, key, **kwargs):
        await real_owe(session, clock, worker, recipient, key, **kwargs)
        owed.append(key)
        if key == "pair-ended" and owed.count(key) == 1:
            raise ConnectionResetError("the process dies here")

    monkeypatch.setattr(pair_handlers, "owe", owe_then_die)
    crashed = await curator.press("Да, завершить")
    assert len(texts(crashed)) == 1 and "Попробуйте ещё раз" in texts(crashed)[0]
    async with running.session() as session:
        assert (await session.scalar(select(Pair.status))) == "active"
        assert await session.scalar(select(func.count(OutboxMessage.id)).where(
            OutboxMessage.text_key == "pair-ended")) == 0

    monkeypatch.setattr(pair_handlers, "owe", real_owe)
    await curator.redeliver()
    assert "Пара завершена" in curator.last.text
    async with running.session() as session:
        assert (await session.scalar(select(Pair.status))) == "completed"
        notices = (await session.scalars(select(OutboxMessage.user_id).where(
            OutboxMessage.text_key == "pair-ended"))).all()
    assert sorted(notices) == sorted([petr_id := await user_id(running, petr),
                                      await user_id(running, anna)]) and petr_id
    for person in (petr, anna):
        assert sum("итоговые анкеты" in m.text for m in person.messages()) == 1
    assert await curator.redeliver() == []  # and once it is done, it is done


async def user_id(running, person) -> int:
    from models import User

    async with running.session() as session:
        return await session.scalar(select(User.id).where(User.telegram_id == person.user.id))
