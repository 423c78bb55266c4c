"""Fixtures that build the production app over a test database and a mocked Bot API session.

TEST_DATABASE_URL (e.g. PostgreSQL) and TEST_REDIS_URL switch the engines under the same tests;
without them, each test gets its own SQLite file and the database FSM storage.
"""

from __future__ import annotations

import logging
import os
from collections.abc import AsyncIterator, Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.config import PROJECT_ROOT, Settings, load_settings
from bot.demo.telegram_api import LocalBotAPI
from bot.factory import App, build_app
from services.clock import Clock
from tests.telegram import SESSIONS, TOKEN, Person, mocked_bot

CURATOR_ID = 900


@pytest.fixture(autouse=True)
def telegram_rules_kept(caplog):
    """Every test fails if the bot sent anything Telegram would refuse or a person would see
    garbled (markup shown as typed, a text over the limit): see tests/telegram_rules.py. A view
    that edits a message must fit it too: the delivery path shortening an edit is a failure."""
    SESSIONS.clear()
    yield
    broken = [problem for session in SESSIONS for problem in session.violations]
    broken += [record.getMessage() for record in caplog.records
               if record.name == "bot.delivery" and record.levelno >= logging.WARNING
               and "Telegram's limit" in record.getMessage()]
    # A handler that failed (the person was told «something went wrong») is a failed test,
    # unless the test asked for it.
    broken += [f"{record.getMessage()}: {record.exc_info[0].__name__}"
               for record in caplog.records
               if record.name == "handlers.errors" and record.levelno >= logging.ERROR
               and record.exc_info and not getattr(record, "expected", False)]
    SESSIONS.clear()
    assert not broken, "Telegram's rules broken:\n" + "\n".join(broken)


async def reset_server_database(url: str) -> None:
    """An empty public schema on a server database (tests, and bench.updates)."""
    engine = create_async_engine(url)
    async with engine.begin() as connection:
        await connection.execute(text("DROP SCHEMA public CASCADE"))
        await connection.execute(text("CREATE SCHEMA public"))
    await engine.dispose()


async def _reset_redis(url: str) -> None:
    from redis.asyncio import Redis

    client = Redis.from_url(url)
    await client.flushdb()
    await client.aclose()


@pytest.fixture
async def database_url(tmp_path: Path) -> str:
    url = os.environ.get("TEST_DATABASE_URL")
    if not url:
        return f"sqlite+aiosqlite:///{tmp_path / 'bot.sqlite3'}"
    if make_url(url).get_backend_name() == "sqlite":
        return url
    await reset_server_database(url)
    return url


@pytest.fixture
async def make_settings(database_url: str, tmp_path: Path) -> Callable[..., Settings]:
    redis_url = os.environ.get("TEST_REDIS_URL")
    if redis_url:
        await _reset_redis(redis_url)

    def make(**overrides: object) -> Settings:
        values = dict(bot_token=TOKEN, database_url=database_url, redis_url=redis_url or "",
                      curator_ids=str(CURATOR_ID), content_dir=PROJECT_ROOT / "content",
                      telegram_api_url="", timezone="Europe/Moscow", default_locale="ru")
        values.update(overrides)
        return load_settings(_env_file=None, **values)

    return make


@pytest.fixture
def settings(make_settings: Callable[..., Settings]) -> Settings:
    return make_settings()


class FakeTime:
    """Monotonic time for the delivery path that moves only when it sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


class Running:
    """The app as `python -m bot` builds it, started over a mocked Bot API session.

    After every update the test feeds, the outbox is pumped, as the scheduler would.
    """

    def __init__(self, app: App) -> None:
        self.app = app
        self.bot = mocked_bot()
        self.time = FakeTime()
        self.outbox = app.outbox_worker(self.bot, sleep=self.time.sleep,
                                        monotonic=self.time.monotonic)
        self.outbox.auto_kick = False

    async def start(self) -> Running:
        await self.app.prepare_database()
        dispatcher = self.app.dispatcher
        # The same keyword arguments start_polling passes to the startup hooks.
        await dispatcher.emit_startup(bot=self.bot, bots=[self.bot], dispatcher=dispatcher,
                                      **dispatcher.workflow_data)
        return self

    async def stop(self) -> None:
        dispatcher = self.app.dispatcher
        await dispatcher.emit_shutdown(bot=self.bot, bots=[self.bot], dispatcher=dispatcher,
                                       **dispatcher.workflow_data)
        await self.app.close()

    def person(self, user_id: int = 1001, language_code: str = "ru", **kwargs) -> Person:
        return Person(self.app.dispatcher, self.bot, user_id, language_code,
                      after_update=self.outbox.pump, **kwargs)

    def session(self):
        return self.app.sessionmaker()


class ManualClock(Clock):
    """A clock the test moves by hand."""

    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current

    def advance(self, delta: timedelta) -> None:
        self.current += delta


@pytest.fixture
async def standin() -> AsyncIterator[LocalBotAPI]:
    """A local Bot API stand-in for `python -m bot` run as a process."""
    server = LocalBotAPI()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
def clock() -> ManualClock:
    return ManualClock(datetime(2026, 11, 22, 9, 0, tzinfo=UTC))


@pytest.fixture
async def running(settings: Settings, clock: ManualClock) -> AsyncIterator[Running]:
    running = await Running(build_app(settings, clock=clock)).start()
    yield running
    await running.stop()
