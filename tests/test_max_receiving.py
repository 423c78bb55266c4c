"""MAX's updates into a Dispatcher (bot.max.receiving): long polling that keeps its marker in
the database and resumes after a crash mid-batch, and the webhook with its secret; against the
MAX stand-in, with the fixtures of tests/test_max_session.py."""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable

from aiogram import Dispatcher
from aiogram.types import Message
from aiohttp import web
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.channels import Channels
from bot.max.receiving import SECRET_HEADER, Polling, webhook_handler
from models.max_channel import MaxPolling
from tests.max_standin import MaxStandIn
from tests.test_max_session import (  # noqa: F401 - the fixtures are used by name
    ANNA,
    bot_over,
    max_session,
    sessionmaker,
    standin,
)

SECRET = "max-webhook-secret"


def recording_dispatcher(handled: list[str], gate: asyncio.Event | None = None) -> Dispatcher:
    """A Dispatcher that records the texts it handled; "slow" waits for `gate`."""
    dispatcher = Dispatcher()

    @dispatcher.message()
    async def record(message: Message) -> None:
        if gate is not None and message.text == "slow":
            await gate.wait()
        handled.append(message.text or "")

    return dispatcher


@contextlib.asynccontextmanager
async def webhook_client(standin: MaxStandIn, sessionmaker: async_sessionmaker,  # noqa: F811
                         handled: list[str]) -> AsyncIterator[TestClient]:
    """A client of the MAX webhook at /max, over a Dispatcher recording into `handled`."""
    session = max_session(standin, sessionmaker)
    bot = bot_over(Channels(None, session))
    app = web.Application()
    app.router.add_post("/max", webhook_handler(recording_dispatcher(handled), bot, session,
                                                SECRET))
    try:
        async with TestClient(TestServer(app)) as client:
            yield client
    finally:
        await bot.session.close()


async def eventually(condition: Callable[[], Awaitable[bool]] | Callable[[], bool],
                     timeout: float = 5.0) -> None:  # noqa: ASYNC109 - the wait is the bound
    async with asyncio.timeout(timeout):
        while True:
            met = condition()
            if await met if asyncio.iscoroutine(met) else met:
                return
            await asyncio.sleep(0.01)


async def kept_marker(sessionmaker: async_sessionmaker, standin: MaxStandIn) -> int | None:  # noqa: F811
    async with sessionmaker() as db:
        return await db.scalar(select(MaxPolling.marker)
                               .where(MaxPolling.bot_id == standin.bot_user_id))


async def marker_is(sessionmaker: async_sessionmaker, standin: MaxStandIn,  # noqa: F811
                    marker: int) -> bool:
    return await kept_marker(sessionmaker, standin) == marker


async def test_polling_handles_updates_and_resumes_after_a_crash_mid_batch(
        standin: MaxStandIn, sessionmaker: async_sessionmaker) -> None:  # noqa: F811
    gate = asyncio.Event()
    handled: list[str] = []
    session = max_session(standin, sessionmaker)
    bot = bot_over(Channels(None, session))
    stop = asyncio.Event()
    polling = asyncio.create_task(Polling(recording_dispatcher(handled, gate), bot, session,
                                          sessionmaker, in_flight=4).run(stop))
    standin.push_message(ANNA, "first")
    standin.push_bot_started(ANNA, "inv42")
    await eventually(lambda: len(handled) == 2)
    assert handled == ["first", "/start inv42"]
    await eventually(lambda: marker_is(sessionmaker, standin, 2))
    assert standin.cursor == 2

    # A batch handed out but not finished: the marker stays where everything was handled.
    standin.push_message(ANNA, "slow")
    standin.push_message(ANNA, "after")
    await eventually(lambda: "after" in handled)
    assert standin.cursor == 4
    assert await kept_marker(sessionmaker, standin) == 2
    polling.cancel()  # the process dies
    await asyncio.gather(polling, return_exceptions=True)
    await bot.session.close()

    handled_again: list[str] = []
    restart = standin.seq
    session = max_session(standin, sessionmaker)
    bot = bot_over(Channels(None, session))
    restarted = asyncio.create_task(Polling(recording_dispatcher(handled_again), bot, session,
                                            sessionmaker, in_flight=4).run(stop))
    try:
        await eventually(lambda: sorted(handled_again) == ["after", "slow"])
        first_poll = next(r for r in standin.calls("/updates") if r.seq > restart)
        assert first_poll.query["marker"] == "2"
        await eventually(lambda: marker_is(sessionmaker, standin, 4))
    finally:
        stop.set()
        await asyncio.wait_for(restarted, 5)
        await bot.session.close()
    assert standin.deliveries == {1: 1, 2: 1, 3: 2, 4: 2}


async def test_the_webhook_checks_its_secret_and_handles_updates(
        standin: MaxStandIn, sessionmaker: async_sessionmaker) -> None:  # noqa: F811
    handled: list[str] = []
    update = standin.push_message(ANNA, "hello")
    async with webhook_client(standin, sessionmaker, handled) as client:
        assert (await client.post("/max", json=update)).status == 401
        wrong = {SECRET_HEADER: "not-the-secret"}
        assert (await client.post("/max", json=update, headers=wrong)).status == 401
        right = {SECRET_HEADER: SECRET}
        assert (await client.post("/max", data="{not json", headers=right)).status == 400
        assert (await client.post("/max", json=[update], headers=right)).status == 400
        assert handled == []
        answer = await client.post("/max", json=update, headers=right)
        assert answer.status == 200 and handled == ["hello"]
        # Nothing to act on is confirmed all the same, or MAX would deliver it again.
        edited = {**update, "update_type": "message_edited"}
        assert (await client.post("/max", json=edited, headers=right)).status == 200
        assert handled == ["hello"]


async def test_the_webhook_confirms_a_message_created_without_a_message(
        standin: MaxStandIn, sessionmaker: async_sessionmaker) -> None:  # noqa: F811
    # MAX sometimes sends one (aiogram-max's notes); answered with an error, MAX would deliver
    # it again and again, and unsubscribe the bot after 8 hours of failures.
    bare = {"update_type": "message_created", "timestamp": 1785182044286, "user_locale": "ru"}
    async with webhook_client(standin, sessionmaker, []) as client:
        answer = await client.post("/max", json=bare, headers={SECRET_HEADER: SECRET})
        assert answer.status == 200


async def test_polling_outlasts_failures_of_max_and_of_the_database(
        standin: MaxStandIn, sessionmaker: async_sessionmaker) -> None:  # noqa: F811
    """Beside Telegram's polling a failure must not end MAX's for good: it pauses and polls
    again, whether MAX answered 500 or the marker could not be kept."""
    handled: list[str] = []
    pauses: list[float] = []

    async def pause(seconds: float) -> None:
        pauses.append(seconds)

    session = max_session(standin, sessionmaker)
    bot = bot_over(Channels(None, session))
    stop = asyncio.Event()
    polling = Polling(recording_dispatcher(handled), bot, session, sessionmaker, in_flight=4,
                      sleep=pause)
    standin.fail("GET", "/updates", 500, times=2)
    broken = {"keep": True}
    keep = polling._keep

    async def keep_once_broken(bot_id: int, marker: int) -> None:
        if broken.pop("keep", False):
            raise OSError("the database is away")
        await keep(bot_id, marker)

    polling._keep = keep_once_broken  # type: ignore[method-assign]
    task = asyncio.create_task(polling.run(stop))
    try:
        standin.push_message(ANNA, "first")
        await eventually(lambda: handled == ["first"])
        standin.push_message(ANNA, "second")
        await eventually(lambda: handled.count("second") >= 1)
        await eventually(lambda: marker_is(sessionmaker, standin, standin.cursor))
        assert pauses[:2] == [1.0, 2.0], pauses
        assert len(pauses) == 3  # two refused polls, one marker not kept
    finally:
        stop.set()
        await asyncio.wait_for(task, 5)
        await bot.session.close()


async def test_the_webhook_confirms_an_update_it_cannot_read(
        standin: MaxStandIn, sessionmaker: async_sessionmaker) -> None:  # noqa: F811
    """Refused, it would come back on every retry for 8 hours and get the webhook unsubscribed:
    logged and confirmed; nothing is handled."""
    handled: list[str] = []
    broken = standin.push_message(ANNA, "hello")
    del broken["message"]["body"]["mid"]
    async with webhook_client(standin, sessionmaker, handled) as client:
        answer = await client.post("/max", json=broken, headers={SECRET_HEADER: SECRET})
        assert answer.status == 200 and handled == []


async def test_a_slow_update_holds_up_nobody_else(
        standin: MaxStandIn, sessionmaker: async_sessionmaker) -> None:  # noqa: F811
    """An export that takes a minute must not stop MAX's polling for everybody: the next
    batch is taken and handled meanwhile, and the marker waits for the slow one."""
    gate = asyncio.Event()
    handled: list[str] = []
    session = max_session(standin, sessionmaker)
    bot = bot_over(Channels(None, session))
    stop = asyncio.Event()
    task = asyncio.create_task(Polling(recording_dispatcher(handled, gate), bot, session,
                                       sessionmaker, in_flight=4).run(stop))
    try:
        standin.push_message(ANNA, "slow")
        await eventually(lambda: standin.cursor == 1)  # taken, and waiting at the gate
        standin.push_message(ANNA, "fast")
        await eventually(lambda: handled == ["fast"])
        assert await kept_marker(sessionmaker, standin) is None  # «slow» is not done yet
        gate.set()
        await eventually(lambda: sorted(handled) == ["fast", "slow"])
        await eventually(lambda: marker_is(sessionmaker, standin, 2))
    finally:
        gate.set()
        stop.set()
        await asyncio.wait_for(task, 5)
        await bot.session.close()
