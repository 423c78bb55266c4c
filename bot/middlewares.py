"""Outer middlewares after the unit of work (bot/unit_of_work.py): each update handled once,
the person behind it, their language."""

from __future__ import annotations

import asyncio
import contextvars
import logging
from collections.abc import Awaitable, Callable, Iterable
from datetime import datetime
from functools import partial
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.types import CallbackQuery, Message, TelegramObject, Update
from aiogram.types import User as TelegramUser
from aiogram_i18n import I18nContext
from aiogram_i18n.managers import BaseManager
from sqlalchemy import exists, insert, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from bot.unit_of_work import BOOKKEEPING, first_commit
from models import ProcessedUpdate, User
from models.db import LATER, database_trouble, insert_unless_present
from services.clock import Clock
from services.people import mark_reachable, set_locale

log = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class ReadMarks:
    """The marks of updates that wrote nothing (a read: /help, a summary), written in batches a
    moment later instead of a commit each: a commit is most of what a read costs (on PostgreSQL
    the mark the read claimed is rolled back with its transaction). Until written
    they are kept here, so a redelivery to this process is dropped all the same; a crash in that
    moment may let a redelivered read be answered twice, and a read does nothing else twice."""

    def __init__(self, sessionmaker: async_sessionmaker, delay: float = 0.2) -> None:
        self.sessionmaker, self.delay = sessionmaker, delay
        self.waiting: dict[tuple[int, int], datetime] = {}
        self.writing: dict[tuple[int, int], datetime] = {}
        self.sleep = asyncio.sleep
        self._soon: asyncio.Task | None = None
        self._one_batch_at_a_time = asyncio.Lock()

    @property
    def pending_write(self) -> asyncio.Task | None:
        return self._soon

    def __contains__(self, key: tuple[int, int]) -> bool:
        return key in self.waiting or key in self.writing

    def defer(self, bot_id: int, update_id: int, processed_at: datetime) -> None:
        self.waiting[(bot_id, update_id)] = processed_at
        if self._soon is None:
            # In a context of its own: not the update's, whose session is closed by then.
            self._soon = asyncio.create_task(self._write_soon(), context=contextvars.Context())

    async def _write_soon(self) -> None:
        try:
            while self.waiting:
                await self.sleep(self.delay)
                # Shielded: stopping cancels the wait, never a batch half written.
                await asyncio.shield(self.write())
        finally:
            if self._soon is asyncio.current_task():
                self._soon = None

    async def close(self) -> None:
        if self._soon is not None:
            self._soon.cancel()
            self._soon = None
        await self.write()

    async def write(self) -> None:
        """Write the waiting marks now (the tests, to look at them)."""
        async with self._one_batch_at_a_time:
            await self._write()

    async def _write(self) -> None:
        if not self.waiting:
            return
        self.writing, self.waiting = self.waiting, {}
        rows = [{"bot_id": bot_id, "update_id": update_id, "processed_at": at}
                for (bot_id, update_id), at in self.writing.items()]
        try:
            async with self.sessionmaker.begin() as session:
                await session.execute(insert_unless_present(
                    session, ProcessedUpdate, ("bot_id", "update_id")), rows)
        except Exception as error:
            # The updates were handled; only their redelivery would be answered again. A
            # database that is away is one line, as everywhere; anything else is a bug.
            trouble = database_trouble(error)
            log.warning("could not write %d marks of handled reads: %s", len(rows),
                        trouble or "an error", exc_info=trouble is None)
        finally:
            self.writing = {}


class OncePerUpdate(BaseMiddleware):
    """A redelivered update is dropped. The mark rides in the update's one commit
    (bot/unit_of_work.py), so an answer and the fact that its update was handled are written
    together or not at all: a crash before the commit lets the redelivery do the work, a crash
    after it makes the redelivery a no-op.

    On PostgreSQL the mark is inserted first, by the update's first statement (ON CONFLICT DO
    NOTHING RETURNING, bot/update_context.py): a twin handed to another process at the same
    moment waits on that row until the first commits, then finds it and is dropped. SQLite has
    one process and one writer; its mark is added at the commit, so a read does not hold the
    write lock while it replies. Either way a read commits nothing: its mark goes to ReadMarks."""

    def __init__(self, read_marks: ReadMarks) -> None:
        self.read_marks = read_marks

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        session: AsyncSession = data["session"]
        bot: Bot = data["bot"]
        clock: Clock = data["clock"]
        processed_at = clock.now()

        def mark(sync_session: Session) -> None:
            sync_session.execute(_MARK, {"bot_id": bot.id, "update_id": event.update_id,
                                         "processed_at": processed_at})

        if data["update_context"].seen or (bot.id, event.update_id) in self.read_marks:
            return _dropped(event.update_id)
        pipeline = first_commit(session)
        if session.bind.dialect.name == "postgresql":
            pipeline.written(mark)  # claimed by the update's first read (bot/update_context)
        else:
            pipeline.owe(mark)
        try:
            result = await handler(event, data)
            if pipeline.withdraw(mark):
                # A read: its mark alone was owed. The transaction ends without a commit (on
                # PostgreSQL the claimed mark is rolled back) and the mark waits for a batch.
                self.read_marks.defer(bot.id, event.update_id, processed_at)
            return result
        except IntegrityError:
            if pipeline.done:
                raise  # about the handler's own rows, not the mark
            await session.rollback()
            if not await _seen(session, bot.id, event.update_id):
                raise
            log.info("update %s was handled by another process; dropped", event.update_id)
            return UNHANDLED


# Built once; a bookkeeping write, not one of the handler's (bot/unit_of_work.py), which SQLite
# runs with the commit it rides in (models.db.LATER).
_MARK = insert(ProcessedUpdate.__table__).execution_options(**{BOOKKEEPING: True, LATER: True})


def _dropped(update_id: int) -> Any:
    log.info("update %s was handled already; dropped", update_id)
    return UNHANDLED


async def _seen(session: AsyncSession, bot_id: int, update_id: int) -> bool:
    return bool(await session.scalar(select(exists().where(
        ProcessedUpdate.bot_id == bot_id, ProcessedUpdate.update_id == update_id))))


class CurrentUser(BaseMiddleware):
    """`user` is the stored person, or None for someone who has not consented yet."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        session: AsyncSession = data["session"]
        user = data["update_context"].user  # read with the person's state (bot/update_context)
        if user is not None and user.unreachable_at is not None:
            # Writing to the bot again means they unblocked it; recorded with the update.
            first_commit(session).owe(partial(mark_reachable, user_id=user.id))
        data["user"] = user
        return await handler(event, data)


def telegram_locale(sender: TelegramUser | None, available: Iterable[str], default: str) -> str:
    """The locale Telegram's language setting asks for, if we have it."""
    language = (sender.language_code or "").lower() if sender else ""
    return next((locale for locale in available if language.startswith(locale)), default)


class LocaleManager(BaseManager):
    """The stored choice first, then Telegram's language, then DEFAULT_LOCALE."""

    def __init__(self, default_locale: str, available: tuple[str, ...]) -> None:
        super().__init__(default_locale=default_locale)
        self.available = available

    async def get_locale(self, event_from_user: TelegramUser | None = None,
                         user: User | None = None) -> str:
        if user is not None and user.locale in self.available:
            return user.locale
        return telegram_locale(event_from_user, self.available, self.default_locale)

    async def set_locale(self, locale: str, user: User | None = None,
                         session: AsyncSession | None = None) -> None:
        # Before consent nothing is stored, the language included.
        if user is not None and session is not None:
            await set_locale(session, user, locale)


class RequireConsent(BaseMiddleware):
    """Feature routers serve only people who have agreed; others are sent to /start."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if data.get("user") is not None:
            return await handler(event, data)
        i18n: I18nContext = data["i18n"]
        if isinstance(event, CallbackQuery):
            await event.answer(i18n.get("need-start"), show_alert=True)
        elif isinstance(event, Message):
            await event.answer(i18n.get("need-start"))
        return None
