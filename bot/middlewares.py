"""Outer middlewares after the unit of work (bot/unit_of_work.py): each update handled once,
the person behind it, their language."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Iterable
from functools import partial
from typing import Any

from aiogram import BaseMiddleware, Bot
from aiogram.dispatcher.event.bases import UNHANDLED
from aiogram.types import CallbackQuery, Message, TelegramObject, Update
from aiogram.types import User as TelegramUser
from aiogram_i18n import I18nContext
from aiogram_i18n.managers import BaseManager
from sqlalchemy import exists, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.unit_of_work import BOOKKEEPING, first_commit
from models import ProcessedUpdate, User
from models.db import insert_unless_present
from services.clock import Clock
from services.people import mark_reachable, set_locale

log = logging.getLogger(__name__)

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class OncePerUpdate(BaseMiddleware):
    """A redelivered update is dropped. The mark rides in the update's one commit
    (bot/unit_of_work.py), so an answer and the fact that its update was handled are written
    together or not at all: a crash before the commit lets the redelivery do the work, a crash
    after it makes the redelivery a no-op.

    On PostgreSQL the mark is inserted first (ON CONFLICT DO NOTHING RETURNING): a twin handed to
    another process at the same moment waits on that row until the first commits, then finds it
    and is dropped. SQLite has one process and one writer; its mark is added at the commit, so a
    read does not hold the write lock while it replies."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        if not isinstance(event, Update):
            return await handler(event, data)
        session: AsyncSession = data["session"]
        bot: Bot = data["bot"]
        clock: Clock = data["clock"]
        processed_at = clock.now()

        def mark() -> ProcessedUpdate:
            return ProcessedUpdate(bot_id=bot.id, update_id=event.update_id,
                                   processed_at=processed_at)

        pipeline = first_commit(session)
        if session.bind.dialect.name == "postgresql":
            inserted = await session.scalar(
                insert_unless_present(session, ProcessedUpdate, ("bot_id", "update_id"),
                                      bot_id=bot.id, update_id=event.update_id,
                                      processed_at=processed_at)
                .returning(ProcessedUpdate.update_id)
                .execution_options(**{BOOKKEEPING: True}))
            if inserted is None:
                return _dropped(event.update_id)
            pipeline.written(mark)
        else:
            if data["update_context"].seen:
                return _dropped(event.update_id)
            pipeline.add(mark)
        try:
            return await handler(event, data)
        except IntegrityError:
            if pipeline.done:
                raise  # about the handler's own rows, not the mark
            await session.rollback()
            if not await _seen(session, bot.id, event.update_id):
                raise
            log.info("update %s was handled by another process; dropped", event.update_id)
            return UNHANDLED


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
            first_commit(session).do(partial(mark_reachable, user_id=user.id))
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
