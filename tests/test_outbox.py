"""The outbox and the delivery path: due times, quiet hours, restarts with pending and missed
messages (none lost, none doubled), two senders, Telegram's limits and errors."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
from aiogram.exceptions import (
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.methods import SendMessage
from pydantic._internal import _generics as generics
from sqlalchemy import select

from bot.delivery import Delivery, Limits, Outcome
from bot.factory import build_app, create_bot
from models import OutboxMessage
from services import outbox
from services.outbox import Decision, Policy, quiet_until
from tests.conftest import FakeTime, Running
from tests.flows import PUPIL_MENTEE, TEACHER_MENTEE, register, stored_user
from tests.telegram import mocked_bot, texts

MSK = ZoneInfo("Europe/Moscow")
SEND = SendMessage(chat_id=1, text="x")


def sent_texts(running, chat_id: int) -> list[str]:
    return [r.text for r in running.bot.session.requests
            if isinstance(r, SendMessage) and int(r.chat_id) == chat_id]


async def owe(running, user, key="pair-reassigned", due=None, urgent=False, dedupe=None,
              params=None):
    async with running.app.sessionmaker.begin() as session:
        stored = await stored_user(session, user.user.id)
        return await outbox.schedule(
            session, kind="test", chat_id=user.user.id, user_id=stored.id, text_key=key,
            params=params, due_at=due or running.app.clock.now(), urgent=urgent,
            dedupe_key=dedupe)


async def rows(running) -> list[OutboxMessage]:
    async with running.session() as session:
        return list((await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))
                    .all())


@pytest.mark.parametrize(("clock", "expected"), [
    (time(22, 30), datetime(2026, 11, 23, 8, 0, tzinfo=MSK)),
    (time(3, 0), datetime(2026, 11, 22, 8, 0, tzinfo=MSK)),
    (time(8, 0), None),
    (time(20, 59), None),
])
def test_quiet_hours_span_midnight(clock, expected):
    local = datetime.combine(datetime(2026, 11, 22).date(), clock, tzinfo=MSK)
    assert quiet_until(local, time(21, 0), time(8, 0)) == expected


def test_decisions():
    policy = Policy()
    row = OutboxMessage(due_at=datetime(2026, 11, 22, 9, 0, tzinfo=UTC), urgent=False,
                        is_group=False)
    at = datetime(2026, 11, 22, 9, 1, tzinfo=UTC)  # 12:01 in Moscow
    assert outbox.decide(row, at, MSK, False, policy) == (Decision.SEND, None)
    assert outbox.decide(row, at + timedelta(hours=1), MSK, False, policy)[0] is \
        Decision.SEND_LATE
    assert outbox.decide(row, at + timedelta(hours=7), MSK, False, policy)[0] is Decision.DROP
    evening = datetime(2026, 11, 22, 17, 30, tzinfo=UTC)  # 20:30 in Moscow
    row.due_at = evening
    assert outbox.decide(row, evening, MSK, False, policy)[0] is Decision.SEND
    assert outbox.decide(row, evening, MSK, True, policy) == (
        Decision.POSTPONE, datetime(2026, 11, 23, 9, 0, tzinfo=MSK))  # stricter for pupils
    row.urgent = True
    assert outbox.decide(row, evening, MSK, True, policy)[0] is Decision.SEND


@pytest.mark.db
async def test_quiet_hours_delay_then_send_at_the_right_local_time(running, clock):
    kolya = running.person(301)
    await register(kolya, PUPIL_MENTEE)
    clock.current = datetime(2026, 11, 22, 17, 30, tzinfo=UTC)  # 20:30 in Moscow
    await owe(running, kolya)
    await running.outbox.pump()
    (row,) = await rows(running)
    assert row.status == "pending" and row.due_at == datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
    clock.current = datetime(2026, 11, 23, 5, 59, tzinfo=UTC)
    assert await running.outbox.pump() == 0
    clock.current = datetime(2026, 11, 23, 6, 0, tzinfo=UTC)
    assert await running.outbox.pump() == 1
    assert sent_texts(running, kolya.user.id)[-1].startswith("Куратор переназначает")
    assert (await rows(running))[0].status == "sent"


@pytest.mark.db
async def test_restart_with_pending_and_missed_messages_loses_none_and_doubles_none(
        settings, clock):
    first = await Running(build_app(settings, clock=clock)).start()
    anna = first.person(1)
    await register(anna, TEACHER_MENTEE)
    start = clock.now()
    for minutes in (0, 30, 120, 600):
        await owe(first, anna, due=start + timedelta(minutes=minutes),
                  dedupe=f"test:{minutes}", params=None)
    # Planning one again does not add a second row.
    await owe(first, anna, due=start + timedelta(minutes=30), dedupe="test:30")
    await first.outbox.pump()
    assert len(sent_texts(first, anna.user.id)) >= 1
    sent_before = sent_texts(first, anna.user.id).count("Куратор переназначает вашу пару. "
                                                        "Новое предложение придёт отдельно.")
    await first.stop()
    clock.advance(timedelta(hours=5))  # the bot was down; 600 min is still ahead
    second = await Running(build_app(settings, clock=clock)).start()
    try:
        await second.outbox.pump()
        late = [t for t in sent_texts(second, anna.user.id) if t.startswith("⏰")]
        assert len(late) == 2  # +30 and +120 min: late, with a note
        clock.advance(timedelta(hours=6))  # +600 min falls at 22:00 in Moscow: quiet hours
        await second.outbox.pump()
        assert (await rows(second))[-1].due_at == datetime(2026, 11, 23, 5, 0, tzinfo=UTC)
        clock.current = datetime(2026, 11, 23, 5, 0, tzinfo=UTC)
        await second.outbox.pump()
        statuses = [(r.dedupe_key, r.status) for r in await rows(second)]
        assert statuses == [("test:0", "sent"), ("test:30", "sent"), ("test:120", "sent"),
                            ("test:600", "sent")]
        total = sent_before + len(late) + sum(
            1 for t in sent_texts(second, anna.user.id) if not t.startswith("⏰"))
        assert total == 4  # each exactly once
    finally:
        await second.stop()


@pytest.mark.db
async def test_too_old_messages_are_dropped_not_sent(running, clock):
    anna = running.person(1)
    await register(anna, TEACHER_MENTEE)
    await owe(running, anna, due=clock.now() - timedelta(hours=7))
    before = len(sent_texts(running, anna.user.id))
    await running.outbox.pump()
    assert len(sent_texts(running, anna.user.id)) == before
    assert (await rows(running))[0].status == "dropped"


@pytest.mark.db
async def test_two_senders_never_send_the_same_row(running, clock):
    anna = running.person(1)
    await register(anna, TEACHER_MENTEE)
    for minute in range(10):
        await owe(running, anna, due=clock.now() - timedelta(minutes=minute))
    async with running.session() as one:
        first = await outbox.claim_due(one, clock.now(), "one", 6)
        if one.bind.dialect.name == "sqlite":
            await one.commit()  # one writer at a time: the second waits for the first
        async with running.session() as two:
            # On PostgreSQL the first claim's rows are still locked, uncommitted: skipped.
            second = await outbox.claim_due(two, clock.now(), "two", 6)
            await two.commit()
        await one.commit()
    ids = [r.id for r in first] + [r.id for r in second]
    assert len(first) == 6 and len(second) == 4 and len(set(ids)) == 10


@pytest.mark.db
async def test_a_crashed_claim_is_taken_back_after_the_lease(running, clock):
    anna = running.person(1)
    await register(anna, TEACHER_MENTEE)
    await owe(running, anna)
    async with running.app.sessionmaker.begin() as session:
        (claimed,) = await outbox.claim_due(session, clock.now(), "crashed", 10)
    assert await running.outbox.pump() == 0  # still within the lease
    clock.advance(timedelta(minutes=3))
    assert await running.outbox.pump() == 1
    assert (await rows(running))[0].status == "sent" and claimed.id == (await rows(running))[0].id


@pytest.mark.db
async def test_blocked_person_is_marked_unreachable_and_skipped(running):
    anna = running.person(1)
    await register(anna, TEACHER_MENTEE)
    running.bot.session.failures[anna.user.id] = [
        TelegramForbiddenError(SEND, "Forbidden: bot was blocked by the user")]
    await owe(running, anna)
    await running.outbox.pump()
    await owe(running, anna)
    await running.outbox.pump()
    statuses = [(r.status, r.last_error) for r in await rows(running)]
    assert statuses[0] == ("failed", "blocked: Forbidden: bot was blocked by the user")
    assert statuses[1] == ("failed", "unreachable")
    async with running.session() as session:
        assert (await stored_user(session, anna.user.id)).unreachable_at is not None
    await anna.send("/help")  # writing again means they unblocked the bot
    async with running.session() as session:
        assert (await stored_user(session, anna.user.id)).unreachable_at is None


async def test_delivery_waits_out_429_and_retries_5xx_and_network_errors():
    bot, time_ = mocked_bot(), FakeTime()
    delivery = Delivery(bot, sleep=time_.sleep, monotonic=time_.monotonic)
    bot.session.failures[7] = [TelegramRetryAfter(SEND, "Too Many Requests", 13),
                               TelegramServerError(SEND, "Bad Gateway"),
                               TelegramNetworkError(SEND, "timeout")]
    # A long 429 for one chat defers it instead of holding everybody up …
    assert await delivery.send(7, "hello") == (Outcome.DEFERRED, "13")
    assert (await delivery.send(70, "another chat"))[0] is Outcome.SENT
    time_.now += 13
    # … and then 5xx and network errors are retried with growing pauses.
    assert await delivery.send(7, "hello") == (Outcome.SENT, None)
    assert 1.0 in time_.slept and 2.0 in time_.slept
    bot.session.failures[8] = [TelegramServerError(SEND, "Bad Gateway")] * 4
    outcome, error = await delivery.send(8, "hello")
    assert outcome is Outcome.FAILED and "Bad Gateway" in error
    bot.session.failures[9] = [TelegramForbiddenError(SEND, "Forbidden")]
    assert (await delivery.send(9, "hello"))[0] is Outcome.BLOCKED
    assert len([r for r in bot.session.requests if int(r.chat_id) == 9]) == 1  # no retry


async def test_rate_limits_per_chat_overall_and_per_group():
    bot, time_ = mocked_bot(), FakeTime()
    delivery = Delivery(bot, Limits(), sleep=time_.sleep, monotonic=time_.monotonic)
    started = time_.now
    for _ in range(5):
        await delivery.send(1, "same chat")
    assert time_.now - started == pytest.approx(4 * 1.05)  # one a second per chat, with margin
    time_.now += 10
    started = time_.now
    for chat in range(100, 190):
        await delivery.send(chat, "many chats")
    assert 28.0 <= 90 / (time_.now - started) <= 30.0  # just under thirty a second overall
    sent_at = []
    for _ in range(20):
        assert (await delivery.send(-500, "group", is_group=True))[0] is Outcome.SENT
        sent_at.append(time_.now)
    outcome, wait = await delivery.send(-500, "group", is_group=True)
    # The 21st message in a minute is deferred until the minute has passed.
    assert outcome is Outcome.DEFERRED and float(wait) == pytest.approx(
        sent_at[0] + 60 - time_.now, abs=1)


async def test_replies_to_a_persons_own_actions_never_wait_for_a_slot(running):
    """Thanks and the role question, then the role taken and the first profile question: two
    messages in each update, sent at once. Only bulk sending keeps one message a second per
    chat."""
    anna = running.person(1001)
    await anna.send("/start")
    thanks = await anna.press("Согласен")
    assert len([r for r in thanks if isinstance(r, SendMessage)]) == 2
    role = await anna.press("Наставляемый (педагог)")
    assert len([r for r in role if isinstance(r, SendMessage)]) == 2
    assert running.time.slept == []


async def test_a_reply_refused_with_429_waits_as_told_then_goes(running):
    anna = running.person(1001)
    await register(anna, TEACHER_MENTEE)
    running.bot.session.failures[anna.user.id] = [
        TelegramRetryAfter(SEND, "Too Many Requests", 3)]
    said = await anna.send("/help")
    assert running.time.slept == [3]
    assert any("/surveys" in text for text in texts(said))
    # Bulk sending to that chat keeps its distance too.
    assert running.outbox.delivery.limiter.chat_wait(anna.user.id, False) > 0


async def test_the_bot_api_answers_are_read_without_building_their_model_again(
        make_settings, standin, monkeypatch):
    """aiogram reads each answer as Response[T], a pydantic model pydantic keeps only weakly;
    a busy bot dropped and built Response[Message] again for most messages (4 ms each).
    Through the bot production builds (create_bot, Delivery), it is built at most once."""
    standin.push_message({"id": 400, "is_bot": False, "first_name": "Анна"}, "/start")
    bot = create_bot(make_settings(telegram_api_url=standin.base_url))
    Delivery(bot)
    built: list[str] = []
    real = generics.create_generic_submodel

    def counted(name, *args, **kwargs):
        built.append(name)
        return real(name, *args, **kwargs)

    monkeypatch.setattr(generics, "create_generic_submodel", counted)
    try:
        for number in range(5):
            await bot.send_message(400, f"Сообщение {number}")
            # What a busy process allocates between two messages.
            garbage = [[item] for item in range(20_000)]
            del garbage
    finally:
        await bot.session.close()
    assert [shown.text for shown in standin.chat(400)][1:] == [f"Сообщение {n}" for n in range(5)]
    assert built.count("Response[Message]") <= 1
