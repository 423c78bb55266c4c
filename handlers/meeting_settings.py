"""/settings: when reminders come, and the person's time zone."""

from __future__ import annotations

from aiogram.exceptions import TelegramBadRequest
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from handlers.callbacks import (
    ReminderSetting,
    SetZone,
)
from models import User
from services import meetings
from services.errors import StaleAction

REMINDER_CHOICES = (24 * 60, 60)
# Russia's time zones, west to east: a school may be anywhere from Kaliningrad to Kamchatka.
ZONES = ("Europe/Kaliningrad", "Europe/Moscow", "Europe/Samara", "Asia/Yekaterinburg",
         "Asia/Omsk", "Asia/Krasnoyarsk", "Asia/Irkutsk", "Asia/Yakutsk", "Asia/Vladivostok",
         "Asia/Magadan", "Asia/Kamchatka")


def settings_keyboard(i18n: I18nContext, user: User, settings: Settings) -> InlineKeyboardMarkup:
    chosen = meetings.reminder_minutes(user)
    rows = [[InlineKeyboardButton(
        text=("✅ " if minutes in chosen else "▫️ ") + i18n.get(f"remind-{minutes}"),
        callback_data=ReminderSetting(minutes=minutes).pack())] for minutes in REMINDER_CHOICES]
    rows.append([InlineKeyboardButton(text=i18n.get("remind-off"),
                                      callback_data=ReminderSetting(minutes=0).pack())])
    current = user.timezone or settings.timezone
    zones = [InlineKeyboardButton(
        text=("✅ " if zone == current else "") + i18n.get(f"zone-{zone.split('/')[1].lower()}"),
        callback_data=SetZone(zone=zone).pack()) for zone in ZONES]
    rows += [zones[i:i + 3] for i in range(0, len(zones), 3)]
    return InlineKeyboardMarkup(inline_keyboard=rows)


async def on_settings(message: Message, i18n: I18nContext, user: User,
                      settings: Settings) -> None:
    await message.answer(i18n.get("settings-reminders"),
                         reply_markup=settings_keyboard(i18n, user, settings))


async def redraw_settings(message: Message, i18n: I18nContext, user: User,
                          settings: Settings) -> None:
    try:
        await message.edit_reply_markup(reply_markup=settings_keyboard(i18n, user, settings))
    except TelegramBadRequest:
        pass  # the choice already made pressed again: nothing changed


async def on_zone(query: CallbackQuery, callback_data: SetZone, i18n: I18nContext,
                  session: AsyncSession, user: User, settings: Settings) -> None:
    if callback_data.zone not in ZONES or not isinstance(query.message, Message):
        raise StaleAction
    user.timezone = callback_data.zone
    await session.commit()
    await query.answer(i18n.get("settings-saved"))
    await redraw_settings(query.message, i18n, user, settings)


async def on_setting(query: CallbackQuery, callback_data: ReminderSetting, i18n: I18nContext,
                     session: AsyncSession, user: User, settings: Settings) -> None:
    if callback_data.minutes not in (0, *REMINDER_CHOICES) or \
            not isinstance(query.message, Message):
        raise StaleAction
    chosen = list(meetings.reminder_minutes(user))
    if callback_data.minutes == 0:
        chosen = []
    elif callback_data.minutes in chosen:
        chosen.remove(callback_data.minutes)
    else:
        chosen = sorted([*chosen, callback_data.minutes], reverse=True)
    user.reminder_minutes = chosen
    await session.commit()
    await query.answer(i18n.get("settings-saved"))
    await redraw_settings(query.message, i18n, user, settings)
