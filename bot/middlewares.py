"""Outer middlewares: one database session per update, each update handled once, the person
behind it, their language."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.types import CallbackQuery, Message, TelegramObject, Update
from aiogram.types import User as TelegramUser
from aiogram_i18n import I18nContext
from aiogram_i18n.managers import BaseManager
from sqlalchemy import event as orm_event
from sqlalchemy import exists, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from models import ProcessedUpdate, User
from services.clock import Clock
from services.people import find_user, mark_reachable, set_locale

log = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class DatabaseSession(BaseMiddleware):
    def __init__(self, sessionmaker: async_sessionmaker) -> None:
        self.sessionmaker = sessionmaker

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        async with self.sessionmaker() as session:
            data["session"] = session
            return await handler(event, data)


class OncePerUpdate(BaseMiddleware):
    """A redelivered update is dropped. The mark rides in the update's first commit, so an
    answer and the fact that its update was handled are written together or not at all: a crash
    before the commit lets the redelivery do the work, a crash after it makes the redelivery a
    no-op. Two processes handed the same update race on the mark's primary key; the loser's
    writes are rolled back."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        session: AsyncSession = data["session"]
        bot: Bot = data["bot"]
        await _wait_for_a_twin(session, bot.id, event.update_id)
        if await _seen(session, bot.id, event.update_id):
            log.info("update %s was handled already; dropped", event.update_id)
            return UNHANDLED
        clock: Clock = data["clock"]
        mark = _Mark(ProcessedUpdate(bot_id=bot.id, update_id=event.update_id,
                                     processed_at=clock.now()))
        mark.attach(session.sync_session)
        try:
            result = await handler(event, data)
            if not mark.committed:
                await session.commit()  # the handler wrote nothing: the mark alone
            return result
        except IntegrityError:
            if mark.committed:
                raise  # about the handler's own rows, not the mark
            await session.rollback()
            if not await _seen(session, bot.id, event.update_id):
                raise
            log.info("update %s was handled by another process; dropped", event.update_id)
            return UNHANDLED
        finally:
            mark.detach(session.sync_session)


class _Mark:
    """Adds the ProcessedUpdate row to whichever commit comes first and remembers whether it
    went through; a commit that failed and was rolled back leaves it for the next one."""

    def __init__(self, row: ProcessedUpdate) -> None:
        self.row, self.pending, self.committed = row, True, False
        self._hooks = {"before_commit": self._before_commit, "after_commit": self._after_commit,
                       "after_rollback": self._after_rollback}

    def attach(self, session: Session) -> None:
        for name, hook in self._hooks.items():
            orm_event.listen(session, name, hook)

    def detach(self, session: Session) -> None:
        for name, hook in self._hooks.items():
            orm_event.remove(session, name, hook)

    def _before_commit(self, session: Session) -> None:
        if self.pending:
            session.add(self.row)
            self.pending = False

    def _after_commit(self, session: Session) -> None:
        if not self.pending:
            self.committed = True

    def _after_rollback(self, session: Session) -> None:
        if not self.committed:
            self.pending = True
            self.row = ProcessedUpdate(bot_id=self.row.bot_id, update_id=self.row.update_id,
                                       processed_at=self.row.processed_at)


async def _wait_for_a_twin(session: AsyncSession, bot_id: int, update_id: int) -> None:
    """On PostgreSQL, a process handed an update that another process is handling waits until
    the other's first commit (which carries the mark); the lock goes with that transaction.
    Without it both would read the old state and both would answer."""
    if session.bind.dialect.name == "postgresql":
        key = (bot_id * 1_000_003 + update_id) % 2**63
        await session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": key})


async def _seen(session: AsyncSession, bot_id: int, update_id: int) -> bool:
    return bool(await session.scalar(select(exists().where(
        ProcessedUpdate.bot_id == bot_id, ProcessedUpdate.update_id == update_id))))


class CurrentUser(BaseMiddleware):
    """`user` is the stored person, or None for someone who has not consented yet."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        sender: TelegramUser | None = data.get("event_from_user")
        session: AsyncSession = data["session"]
        user = await find_user(session, sender.id) if sender and not sender.is_bot else None
        if user is not None and user.unreachable_at is not None:
            # Writing to the bot again means they unblocked it.
            await mark_reachable(session, user)
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
