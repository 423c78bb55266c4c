"""The demo: the real bot (the same factory, handlers, outbox, scheduler and database code) with
its Bot API base URL pointed at a local Telegram in the same process, and a page that shows
that Telegram's chats. It keeps its own SQLite file beside the real one, so nothing of the
demo's mixes with a school's data; `--fresh` starts it over."""

from __future__ import annotations

import asyncio
import contextlib
import secrets
from collections.abc import AsyncIterator, Callable
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web

from bot.config import Settings
from bot.demo import keeping
from bot.demo.clock import DemoClock
from bot.demo.people import CURATOR_ID, People
from bot.demo.telegram_api import LocalBotAPI
from bot.demo.time_travel import TimeTravel
from bot.demo.web import Page
from bot.running import StartupError, run
from services.people import school_named

# The demo bot's id; its token is made anew each run, so that nothing else on the machine can
# act as the bot in the local Telegram.
DEMO_BOT_ID = 7000001
PAGE_SHUTDOWN_SECONDS = 1.0  # a page's long poll is not waited for when stopping
DATABASE = "demo.sqlite3"
CLOCK = "demo-clock.json"
CHATS = "demo-chats.json"
# The curator's invitations need a school to invite into; the people's profiles name it.
DEMO_SCHOOL = "Школа №1 (демо)"
BOT_NAME = "Наставничество (демо)"
BOT_USERNAME = "mentoring_demo_bot"


def demo_settings(settings: Settings, api_url: str, token: str) -> Settings:
    """The settings the demo's bot runs with: the local Telegram, the demo's database and its
    curator; nothing of the real deployment's messengers, webhooks or Redis."""
    return settings.model_copy(update={
        "bot_token": token, "telegram_api_url": api_url, "max_token": None,
        "database_url": f"sqlite+aiosqlite:///{settings.demo_dir / DATABASE}",
        "curator_ids": frozenset({CURATOR_ID}), "redis_url": None, "webhook_url": None,
        "webhook_secret": None, "max_webhook_url": None, "max_webhook_secret": None})


def start_over(settings: Settings) -> None:
    for name in (DATABASE, f"{DATABASE}-wal", f"{DATABASE}-shm", CLOCK, CHATS):
        (settings.demo_dir / name).unlink(missing_ok=True)


def address(settings: Settings, runner: web.AppRunner) -> str:
    """The page's address, with the port the system gave when DEMO_PORT is 0."""
    port = runner.addresses[0][1]
    host = "127.0.0.1" if settings.demo_host in ("0.0.0.0", "::", "") else settings.demo_host
    return f"http://[{host}]:{port}" if ":" in host else f"http://{host}:{port}"


async def run_demo(settings: Settings, *, fresh: bool = False,
                   announce: Callable[[str], Any] = print) -> None:
    if fresh:
        start_over(settings)
    settings.demo_dir.mkdir(parents=True, exist_ok=True)
    clock = DemoClock(settings.demo_dir / CLOCK)
    clock.begin_in_school_hours(ZoneInfo(settings.timezone))
    chats = settings.demo_dir / CHATS
    saved = keeping.read(chats)
    token = f"{DEMO_BOT_ID}:{secrets.token_urlsafe(32)}"
    api = LocalBotAPI(record=False, max_poll_wait=10.0, bot_name=BOT_NAME,
                      bot_username=BOT_USERNAME, now=lambda: clock.now().timestamp(),
                      first_update_id=keeping.first_update_id(saved), token=token)
    await api.start()
    people = People(api, settings.default_locale)
    if saved is not None:
        keeping.restore(saved, api, people)

    @contextlib.asynccontextmanager
    async def page(app: Any, bot: Any, worker: Any, planner: Any,
                   scheduler: Any) -> AsyncIterator[None]:
        async with app.sessionmaker.begin() as session:
            await school_named(session, DEMO_SCHOOL)
        travel = TimeTravel(clock, app.sessionmaker, worker, planner, settings.timezone)
        scheduler.remove_job("daily-plan")  # by the real clock; the demo plans by its own
        page = Page(api, people, clock, travel, settings.timezone, settings.demo_host)
        runner = web.AppRunner(page.application(), handle_signals=False, access_log=None,
                               shutdown_timeout=PAGE_SHUTDOWN_SECONDS)
        await runner.setup()
        try:
            await web.TCPSite(runner, settings.demo_host, settings.demo_port).start()
        except OSError as error:
            await runner.cleanup()
            raise StartupError(f"cannot serve the demo on {settings.demo_host}:"
                               f"{settings.demo_port} ({error.strerror}); set DEMO_PORT to "
                               "another port") from None

        async def ready() -> None:
            # After the other startup hooks: the command menus are registered, the locales
            # loaded.
            announce(f"Demo: open {address(settings, runner)} in a browser; Ctrl-C stops it. "
                     "To run in Telegram instead, set BOT_TOKEN (see README.md).")

        app.dispatcher.startup.register(ready)
        beside = [asyncio.create_task(keeping.keep(chats, api, people)),
                  asyncio.create_task(travel.plan_daily())]
        try:
            yield
        finally:
            # The page first (a time move in hand is cut short; what it claimed from the
            # outbox is sent at the next start), then what runs beside it.
            await runner.cleanup()
            for task in beside:
                task.cancel()
            await asyncio.gather(*beside, return_exceptions=True)

    try:
        await run(demo_settings(settings, api.base_url, token), clock=clock, companion=page)
    finally:
        keeping.keep_now(chats, api, people)  # after everything the bot sent
        await api.stop()
