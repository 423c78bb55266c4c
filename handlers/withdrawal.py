"""Taking a curator's rights back (a school curator's, a municipal coordinator's): asked once
more first; then the rights go, the person is told through the outbox, and their command menu
becomes what they still are."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiogram import Bot
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands import sync_curator_menu
from bot.config import Settings
from bot.outbox_worker import OutboxWorker
from handlers.outgoing import owe
from handlers.rendering import drop_buttons
from models import User
from services import access
from services.clock import Clock


@dataclass(frozen=True)
class Withdrawal:
    """Whose rights, the question asked first (rendered) with its button's data, the notice
    the person gets (a message key and its parameters) and the alert once done."""

    person: User
    question: str
    confirm: str
    notice: str
    done: str
    notice_params: dict[str, Any] = field(default_factory=dict)


async def withdraw(query: CallbackQuery, message: Message, withdrawal: Withdrawal, sure: bool,
                   remove: Callable[[], Awaitable[Any]], bot: Bot, i18n: I18nContext,
                   session: AsyncSession, settings: Settings, clock: Clock,
                   outbox: OutboxWorker) -> bool:
    """Ask (not `sure`), or take the rights back with `remove`; True once they are taken."""
    if not sure:
        await message.answer(withdrawal.question, reply_markup=InlineKeyboardMarkup(
            inline_keyboard=[[InlineKeyboardButton(text=i18n.get("button-revoke-curator-sure"),
                                                   callback_data=withdrawal.confirm)]]))
        return False
    person = withdrawal.person
    await remove()
    await owe(session, clock, outbox, person, withdrawal.notice, params=withdrawal.notice_params)
    still = await access.is_curator(session, person, settings.curator_ids)
    await session.commit()
    await sync_curator_menu(bot, i18n.core, person, settings.default_locale, still)
    await drop_buttons(message)
    await query.answer(i18n.get(withdrawal.done), show_alert=True)
    return True
