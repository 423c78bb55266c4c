"""Running the bot (`python -m bot`): migrate the database, register the command menus, then
take updates from each messenger configured (BOT_TOKEN: Telegram, MAX_TOKEN: MAX), by long
polling or, where its webhook address is set, by serving its webhook."""

import asyncio
import contextlib
import gc
import logging
import signal
from collections.abc import Callable
from contextlib import AbstractAsyncContextManager
from typing import Any

from bot.config import Settings
from services.clock import Clock

log = logging.getLogger("bot")
# More updates in flight than this wait their turn: each holds one of the pool's 5 + 10
# connections, and beyond a few the database only serves them slower (bench.throughput: 59
# answers/s with 7 in flight, 50 with 200 at once, on SQLite).
UPDATES_IN_FLIGHT = 7


class StartupError(Exception):
    """The bot cannot start for a reason outside the code (Telegram unreachable, token refused)."""


# What runs beside the bot for as long as it takes updates (the demo's page), given the app,
# its Bot, the outbox worker, the daily planner and the scheduler.
Companion = Callable[[Any, Any, Any, Any, Any], AbstractAsyncContextManager[None]]


async def run(settings: Settings, *, clock: Clock | None = None,
              companion: Companion | None = None) -> None:
    # Imported here so that a settings error is reported before aiogram's slow import.
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    from bot.factory import build_app, create_bot

    app = build_app(settings, clock=clock)
    bot = create_bot(settings, app.sessionmaker)
    try:
        await app.prepare_database()
        log.info("database ready, %d questionnaires loaded", len(app.surveys.catalog))
        await introduce(bot, settings)
        worker = app.outbox_worker(bot)
        scheduler = AsyncIOScheduler(timezone=settings.timezone)
        worker.start(scheduler)
        planner = app.daily_planner(worker)
        planner.start(scheduler)

        async def start_scheduler() -> None:
            # After the other startup hooks, which load the locales the worker renders with.
            scheduler.start()
            # What start-up built (aiogram's types, the locales, the ORM's mappers) lives as
            # long as the process: the garbage collector stops walking it on every full pass,
            # which cost an answer about a tenth of its time (bench.updates).
            gc.freeze()

        app.dispatcher.startup.register(start_scheduler)
        try:
            async with (companion(app, bot, worker, planner, scheduler) if companion
                        else contextlib.nullcontext()):
                await receive(app, bot, settings)
        finally:
            if scheduler.running:
                scheduler.shutdown(wait=False)
            # An orderly stop finishes the batch in hand, so nothing is sent twice.
            await worker.drain()
    finally:
        await bot.session.close()
        await app.close()


async def introduce(bot, settings: Settings) -> None:
    """Ask each messenger who the bot is: a refused token or an unreachable API stops the start
    with one line saying which."""
    from aiogram.exceptions import TelegramNetworkError, TelegramUnauthorizedError

    from bot.max.api import MaxError, MaxNetworkError

    if settings.bot_token:
        try:
            me = await bot.get_me()
            if not settings.webhook_url:
                # A webhook left on the token would make long polling fail with 409 Conflict.
                await bot.delete_webhook()
        except TelegramUnauthorizedError:
            raise StartupError("Telegram rejected BOT_TOKEN; check it with @BotFather") from None
        except TelegramNetworkError as error:
            where = settings.telegram_api_url or "api.telegram.org"
            raise StartupError(f"cannot reach the Telegram Bot API at {where}: "
                               f"{error.message}") from None
        log.info("running as @%s", me.username)
    if (max_session := bot.session.max) is not None:
        try:
            me = await max_session.introduce()
        except MaxError as error:
            if error.status in (401, 403):
                raise StartupError("MAX rejected MAX_TOKEN; copy it again from the bot's "
                                   "settings on business.max.ru") from None
            raise StartupError(f"MAX refused to say who the bot is: {error}") from None
        except MaxNetworkError as error:
            where = settings.max_api_url or "platform-api2.max.ru"
            raise StartupError(f"cannot reach the MAX Bot API at {where}: {error}") from None
        log.info("running in MAX as %s", me.get("username"))


async def receive(app, bot, settings: Settings) -> None:
    """Take updates from every messenger configured until SIGINT/SIGTERM: Telegram by long
    polling or its webhook, MAX by long polling or its webhook; the webhooks share one server.
    The updates in hand are finished before the shutdown hooks close what they use."""
    from aiogram.dispatcher.event.handler import HandlerObject

    from bot.factory import UPDATES_FINISH_SECONDS
    from bot.max.receiving import Polling

    dispatcher = app.dispatcher
    stop = asyncio.Event()
    side: list[asyncio.Task] = []
    served: list[tuple] = []  # the webhooks' server, once the startup hooks have run

    async def open_receivers() -> None:
        # Last of the startup hooks: nothing is taken in before the locales are loaded.
        if settings.webhook_url or settings.max_webhook_url:
            served.append(await serve_webhooks(dispatcher, bot, settings))
        if (max_session := bot.session.max) is not None and not settings.max_webhook_url:
            polling = Polling(dispatcher, bot, max_session, app.sessionmaker, UPDATES_IN_FLIGHT)
            side.append(asyncio.create_task(polling.run(stop)))

    async def stop_receiving(**_: object) -> None:
        stop.set()
        if side:
            await asyncio.wait(side, timeout=UPDATES_FINISH_SECONDS)
        for _runner, requests in served:
            await requests.finish(UPDATES_FINISH_SECONDS)

    dispatcher.startup.register(open_receivers)
    # Before every other shutdown hook (they close the FSM storage and the locales).
    dispatcher.shutdown.handlers.insert(0, HandlerObject(callback=stop_receiving))
    try:
        if settings.bot_token and not settings.webhook_url:
            # start_polling stops cleanly on SIGINT/SIGTERM (Ctrl-C) and runs the startup and
            # shutdown hooks; the startup hooks register the command menus.
            await dispatcher.start_polling(bot, handle_signals=True, close_bot_session=False,
                                           tasks_concurrency_limit=UPDATES_IN_FLIGHT)
        else:
            loop = asyncio.get_running_loop()
            for signum in (signal.SIGINT, signal.SIGTERM):
                loop.add_signal_handler(signum, stop.set)
            # What aiogram's start_polling hands its startup and shutdown hooks.
            hooks = {"dispatcher": dispatcher, "bots": [bot], **dispatcher.workflow_data}
            await dispatcher.emit_startup(bot=bot, **hooks)
            try:
                await stop.wait()  # MAX's polling ends only then: it outlives its failures
            finally:
                await dispatcher.emit_shutdown(bot=bot, **hooks)
    finally:
        stop.set()
        for task in side:
            task.cancel()
        # Ended before the bot's session and the database close under them.
        await asyncio.gather(*side, return_exceptions=True)
        for runner, _requests in served:
            await runner.cleanup()


async def serve_webhooks(dispatcher, bot, settings: Settings):
    """Serve the webhooks configured (Telegram's at WEBHOOK_URL's path, MAX's at
    MAX_WEBHOOK_URL's) on one server. Several processes may serve one webhook behind a proxy:
    they share the database (and Redis), and a redelivered update is handled once. Each update
    is answered only after it is handled, so a process that dies mid-way leaves it to the
    messenger to deliver again. Returns the server's runner and its requests in hand."""
    from urllib.parse import urlsplit

    from aiogram.webhook.aiohttp_server import SimpleRequestHandler
    from aiohttp import web

    from bot.max.receiving import subscribe, webhook_handler

    requests = RequestsInHand(UPDATES_IN_FLIGHT)
    server = web.Application(middlewares=[requests])
    server.router.add_get("/healthz", lambda _request: web.Response(text="ok"))
    if settings.webhook_url:
        SimpleRequestHandler(dispatcher, bot, handle_in_background=False,
                             secret_token=settings.webhook_secret).register(
            server, path=urlsplit(settings.webhook_url).path or "/")
    if settings.max_webhook_url:
        server.router.add_post(urlsplit(settings.max_webhook_url).path or "/", webhook_handler(
            dispatcher, bot, bot.session.max, settings.max_webhook_secret))
    runner = web.AppRunner(server, handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, settings.webhook_host, settings.webhook_port).start()
    if settings.webhook_url:
        await bot.set_webhook(settings.webhook_url, secret_token=settings.webhook_secret,
                              allowed_updates=dispatcher.resolve_used_update_types())
    if settings.max_webhook_url:
        await subscribe(bot.session.max, settings.max_webhook_url, settings.max_webhook_secret)
    log.info("serving webhooks on %s:%d", settings.webhook_host, settings.webhook_port)
    # The webhooks stay set when the process stops: other processes may still be serving them.
    return runner, requests


class RequestsInHand:
    """At most `limit` webhook requests handled at a time; once stopping, new ones are refused
    with 503 (Telegram delivers them again, perhaps to another process) and those in hand are
    let finish: Telegram has not been answered for them yet, but their first effects are."""

    __middleware_version__ = 1  # what aiohttp's @web.middleware marks: (request, handler)

    def __init__(self, limit: int) -> None:
        self.slots = asyncio.Semaphore(limit)
        self.count = 0
        self.stopping = False
        self.idle = asyncio.Event()
        self.idle.set()

    async def __call__(self, request, handler):
        from aiohttp import web

        if self.stopping:
            return web.Response(status=503, text="stopping")
        self.count += 1
        self.idle.clear()
        try:
            async with self.slots:
                return await handler(request)
        finally:
            self.count -= 1
            if not self.count:
                self.idle.set()

    async def finish(self, timeout: float) -> None:  # noqa: ASYNC109
        self.stopping = True
        if self.count:
            log.info("finishing %d updates in hand before stopping", self.count)
        try:
            await asyncio.wait_for(self.idle.wait(), timeout)
        except TimeoutError:
            log.warning("%d updates still in hand after %g s; stopping anyway", self.count,
                        timeout)
