"""`python -m bot`: migrate the database, register the command menus, then long-poll Telegram,
or serve a webhook when WEBHOOK_URL is set."""

import asyncio
import gc
import logging
import signal
import sys

from bot import redaction
from bot.config import ConfigError, Settings, load_settings
from domain.questionnaire import DefinitionError

log = logging.getLogger("bot")
# More updates in flight than this wait their turn: each holds one of the pool's 5 + 10
# connections, and beyond a few the database only serves them slower (bench.throughput: 59
# answers/s with 7 in flight, 50 with 200 at once, on SQLite).
UPDATES_IN_FLIGHT = 7


class StartupError(Exception):
    """The bot cannot start for a reason outside the code (Telegram unreachable, token refused)."""


async def run(settings: Settings) -> None:
    # Imported here so that a settings error is reported before aiogram's slow import.
    from aiogram.exceptions import TelegramNetworkError, TelegramUnauthorizedError
    from apscheduler.schedulers.asyncio import AsyncIOScheduler

    from bot.factory import build_app, create_bot

    app = build_app(settings)
    bot = create_bot(settings)
    try:
        await app.prepare_database()
        log.info("database ready, %d questionnaires loaded", len(app.surveys.catalog))
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
        worker = app.outbox_worker(bot)
        scheduler = AsyncIOScheduler(timezone=settings.timezone)
        worker.start(scheduler)
        app.daily_planner(worker).start(scheduler)

        async def start_scheduler() -> None:
            # After the other startup hooks, which load the locales the worker renders with.
            scheduler.start()
            # What start-up built (aiogram's types, the locales, the ORM's mappers) lives as
            # long as the process: the garbage collector stops walking it on every full pass,
            # which cost an answer about a tenth of its time (bench.updates).
            gc.freeze()

        app.dispatcher.startup.register(start_scheduler)
        try:
            if settings.webhook_url:
                await serve_webhook(app.dispatcher, bot, settings)
            else:
                # start_polling stops cleanly on SIGINT/SIGTERM (Ctrl-C) and runs the startup
                # hooks, which register the command menus.
                await app.dispatcher.start_polling(bot, handle_signals=True,
                                                   close_bot_session=False,
                                                   tasks_concurrency_limit=UPDATES_IN_FLIGHT)
        finally:
            if scheduler.running:
                scheduler.shutdown(wait=False)
            # An orderly stop finishes the batch in hand, so nothing is sent twice.
            await worker.drain()
    finally:
        await bot.session.close()
        await app.close()


async def serve_webhook(dispatcher, bot, settings: Settings) -> None:
    """Serve Telegram's POSTs until SIGINT/SIGTERM. Several processes may serve one webhook
    behind a proxy: they share the database (and Redis), and a redelivered update is handled
    once. Each update is answered only after it is handled, so a process that dies mid-way
    leaves it to Telegram to deliver again."""
    from urllib.parse import urlsplit

    from aiogram.webhook.aiohttp_server import SimpleRequestHandler, setup_application
    from aiohttp import web

    from bot.factory import UPDATES_FINISH_SECONDS

    path = urlsplit(settings.webhook_url).path or "/"
    requests = RequestsInHand(UPDATES_IN_FLIGHT)
    server = web.Application(middlewares=[requests])
    server.router.add_get("/healthz", lambda _request: web.Response(text="ok"))
    SimpleRequestHandler(dispatcher, bot, handle_in_background=False,
                         secret_token=settings.webhook_secret).register(server, path=path)
    setup_application(server, dispatcher, bot=bot, bots=[bot])
    runner = web.AppRunner(server, handle_signals=False)
    await runner.setup()
    await web.TCPSite(runner, settings.webhook_host, settings.webhook_port).start()
    await bot.set_webhook(settings.webhook_url, secret_token=settings.webhook_secret,
                          allowed_updates=dispatcher.resolve_used_update_types())
    log.info("serving the webhook on %s:%d%s", settings.webhook_host, settings.webhook_port,
             path)
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for signum in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(signum, stop.set)
    try:
        await stop.wait()
    finally:
        # aiohttp's cleanup runs the shutdown hooks (which close the FSM storage and the
        # locales) before it waits for the requests in hand, so they are waited for first.
        # The webhook stays set: other processes may still be serving it.
        await requests.finish(UPDATES_FINISH_SECONDS)
        await runner.cleanup()


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


def main() -> int:
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    try:
        settings = load_settings()
        redaction.install(settings)
        asyncio.run(run(settings))
    except (ConfigError, DefinitionError) as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except StartupError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
