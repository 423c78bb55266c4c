"""Outer middlewares: one database session per update, the person behind it, their language."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import CallbackQuery, Message, TelegramObject
from aiogram.types import User as TelegramUser
from aiogram_i18n import I18nContext
from aiogram_i18n.managers import BaseManager
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from models import User
from services.people import find_user, mark_reachable, set_locale

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class DatabaseSession(BaseMiddleware):
    def __init__(self, sessionmaker: async_sessionmaker) -> None:
        self.sessionmaker = sessionmaker

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        async with self.sessionmaker() as session:
            data["session"] = session
            return await handler(event, data)


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


class LocaleManager(BaseManager):
    """The stored choice first, then Telegram's language, then DEFAULT_LOCALE."""

    def __init__(self, default_locale: str, available: tuple[str, ...]) -> None:
        super().__init__(default_locale=default_locale)
        self.available = available

    async def get_locale(self, event_from_user: TelegramUser | None = None,
                         user: User | None = None) -> str:
        if user is not None and user.locale in self.available:
            return user.locale
        language = (event_from_user.language_code or "") if event_from_user else ""
        for locale in self.available:
            if language.lower().startswith(locale):
                return locale
        return self.default_locale

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
