"""MAX's updates into the Dispatcher: long polling (for development, and where no public HTTPS
address exists) or MAX's webhook (what MAX wants in production).

Polling keeps its marker in the database and moves it only once a batch is handled, so a
process killed mid-batch is given the rest again; what it had handled is dropped as a
redelivery (bot.middlewares.OncePerUpdate). The webhook answers MAX only once the update is
handled, which MAX allows 30 seconds for; a refused request is delivered again.
"""

from __future__ import annotations

import asyncio
import hmac
import logging
from collections import deque
from typing import Any

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.max.session import MaxSession
from models.max_channel import MaxPolling

log = logging.getLogger(__name__)
# What the bot acts on (bot.max.updates); MAX sends nothing else.
UPDATE_TYPES = ("message_created", "message_callback", "bot_started", "bot_stopped",
                "bot_added", "bot_removed", "user_added", "user_removed")
SECRET_HEADER = "X-Max-Bot-Api-Secret"
POLL_SECONDS = 30
RETRY_SECONDS = (1.0, 2.0, 5.0, 10.0, 30.0)
# Updates taken from MAX and not yet handled, at most: beyond, polling waits for some to end.
IN_HAND = 500


async def translated(session: MaxSession, bot: Bot, raw: dict[str, Any]) -> Update | None:
    """A MAX update as aiogram's, or None when it is nothing the bot acts on."""
    shaped = (await session.translator()).translate(raw)
    return None if shaped is None else Update.model_validate(shaped, context={"bot": bot})


async def feed(dispatcher: Dispatcher, bot: Bot, session: MaxSession,
               raw: dict[str, Any]) -> bool:
    """Handle one MAX update; False when it is nothing the bot acts on."""
    update = await translated(session, bot, raw)
    if update is None:
        return False
    await dispatcher.feed_update(bot, update)
    return True


class Polling:
    def __init__(self, dispatcher: Dispatcher, bot: Bot, session: MaxSession,
                 sessionmaker: async_sessionmaker, in_flight: int,
                 sleep=asyncio.sleep) -> None:
        self.dispatcher, self.bot, self.session = dispatcher, bot, session
        self.sessionmaker, self.sleep = sessionmaker, sleep
        self.slots = asyncio.Semaphore(in_flight)
        self.polls = 0

    async def _marker(self, bot_id: int) -> int | None:
        async with self.sessionmaker() as db:
            return await db.scalar(select(MaxPolling.marker).where(MaxPolling.bot_id == bot_id))

    async def _keep(self, bot_id: int, marker: int) -> None:
        async with self.sessionmaker.begin() as db:
            row = await db.get(MaxPolling, bot_id)
            if row is None:
                db.add(MaxPolling(bot_id=bot_id, marker=marker))
            else:
                row.marker = marker

    async def _one(self, raw: dict[str, Any]) -> None:
        async with self.slots:
            try:
                await feed(self.dispatcher, self.bot, self.session, raw)
            except Exception:
                # As aiogram's polling does: the update is logged and the others go on.
                log.exception("a MAX update of type %s failed", raw.get("update_type"))

    async def run(self, stop: asyncio.Event) -> None:
        """Poll until `stop`; whatever fails (MAX, the network, the database) is logged and
        tried again after a pause, so MAX is never silently left unpolled."""
        failures = 0
        while not stop.is_set():
            polled = self.polls
            try:
                await self._poll(stop)
                return
            except asyncio.CancelledError:
                raise
            except Exception as error:
                if self.polls > polled:  # it had recovered: the pauses start short again
                    failures = 0
                pause = RETRY_SECONDS[min(failures, len(RETRY_SECONDS) - 1)]
                failures += 1
                log.warning("polling MAX failed (%s: %s); again in %.0f s",
                            type(error).__name__, error, pause)
                await self._pause(stop, pause)

    async def _pause(self, stop: asyncio.Event, seconds: float) -> None:
        waiting = asyncio.ensure_future(stop.wait())
        sleeping = asyncio.ensure_future(self.sleep(seconds))
        await asyncio.wait({waiting, sleeping}, return_when=asyncio.FIRST_COMPLETED)
        waiting.cancel()
        sleeping.cancel()

    async def _poll(self, stop: asyncio.Event) -> None:
        me = await self.session.introduce()
        bot_id = int(me["user_id"])
        # A webhook subscription would keep MAX from answering long polls.
        for subscription in (await self.session.api.call("GET", "/subscriptions"))\
                .get("subscriptions") or ():
            log.warning("MAX's webhook %s is removed: this process polls (MAX_WEBHOOK_URL is "
                        "not set)", subscription["url"])
            await self.session.api.call("DELETE", "/subscriptions",
                                        params={"url": subscription["url"]})
        kept = cursor = await self._marker(bot_id)
        # Batches handed out, oldest first, each with the marker after it and its updates in
        # hand. Polling goes on while they are handled (one slow export holds up nobody); the
        # marker kept moves past a batch only once it and every batch before it are done.
        batches: deque[tuple[int | None, list[asyncio.Task]]] = deque()
        log.info("polling MAX as %s", me.get("username"))
        try:
            while not stop.is_set():
                await self._make_room(batches)
                poll = asyncio.ensure_future(self.session.api.call(
                    "GET", "/updates", params={"marker": cursor, "timeout": POLL_SECONDS,
                                               "limit": 100, "types": list(UPDATE_TYPES)},
                    timeout=POLL_SECONDS + 15))
                stopping = asyncio.ensure_future(stop.wait())
                await asyncio.wait({poll, stopping}, return_when=asyncio.FIRST_COMPLETED)
                stopping.cancel()
                if not poll.done():
                    poll.cancel()
                    break
                answer = poll.result()  # a failure goes to run(), which pauses and starts again
                self.polls += 1
                if answer.get("marker") is not None:
                    cursor = int(answer["marker"])
                batches.append((cursor, [asyncio.ensure_future(self._one(raw))
                                         for raw in answer.get("updates") or ()]))
                kept = await self._settle(batches, bot_id, kept)
        finally:
            # An orderly stop lets what is in hand finish (within the shutdown's bound).
            unfinished = [task for _, tasks in batches for task in tasks if not task.done()]
            if unfinished and stop.is_set():
                await asyncio.wait(unfinished)
            if stop.is_set():
                await self._settle(batches, bot_id, kept)

    async def _settle(self, batches: deque, bot_id: int, kept: int | None) -> int | None:
        """Keep the marker after the batches handled whole, from the oldest on."""
        done = kept
        while batches and all(task.done() for task in batches[0][1]):
            marker, _ = batches.popleft()
            done = marker if marker is not None else done
        if done is not None and done != kept:
            await self._keep(bot_id, done)
        return done

    async def _make_room(self, batches: deque) -> None:
        """No more than IN_HAND updates taken from MAX and not yet handled."""
        while True:
            waiting = [task for _, tasks in batches for task in tasks if not task.done()]
            if len(waiting) < IN_HAND:
                return
            await asyncio.wait(waiting, return_when=asyncio.FIRST_COMPLETED)


async def subscribe(session: MaxSession, url: str, secret: str) -> None:
    """Point MAX's webhook at `url`; a subscription to the same address is replaced, not
    doubled (MAX keeps a list)."""
    await session.api.call("DELETE", "/subscriptions", params={"url": url})
    await session.api.call("POST", "/subscriptions", body={
        "url": url, "update_types": list(UPDATE_TYPES), "secret": secret})


def webhook_handler(dispatcher: Dispatcher, bot: Bot, session: MaxSession, secret: str):
    from aiohttp import web

    async def handle(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "")
        if not hmac.compare_digest(given.encode(), secret.encode()):
            return web.json_response({"code": "forbidden", "message": "wrong secret"},
                                     status=401)
        try:
            raw = await request.json()
        except ValueError:
            return web.json_response({"code": "bad.request", "message": "not JSON"},
                                     status=400)
        if not isinstance(raw, dict):
            return web.json_response({"code": "bad.request", "message": "not an update"},
                                     status=400)
        try:
            update = await translated(session, bot, raw)
        except (KeyError, TypeError, ValueError) as error:
            # An update we cannot read would be refused again on every retry for 8 hours, and
            # MAX unsubscribes a webhook that keeps failing: logged and confirmed instead.
            log.warning("a MAX update of type %s could not be read (%s: %s)",
                        raw.get("update_type"), type(error).__name__, error)
            return web.json_response({"ok": True})
        if update is not None:
            await dispatcher.feed_update(bot, update)  # an error here: MAX delivers it again
        return web.json_response({"ok": True})

    return handle
