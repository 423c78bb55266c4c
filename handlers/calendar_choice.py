"""/calendar for a curator: pick the programme calendar the school follows and shift its dates;
the bot then reminds people of the deadlines and tells the curator who is late."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram import Router
from aiogram.types import CallbackQuery, InlineKeyboardButton, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.html import Markup, lines
from domain.calendar import Calendar, school_year_of
from handlers.access_filters import CuratedSchool
from handlers.callbacks import PickCalendar, ShiftCalendar
from handlers.rendering import unless_unchanged
from handlers.school_context import SchoolViewTools
from models import CalendarChoice, School, User
from services import calendar_choices
from services.clock import Clock
from services.errors import StaleAction
from services.profiles import Profiles
from services.surveys import Surveys

SHIFTS = (-7, -1, 1, 7)


async def show_calendar(message: Message, i18n: I18nContext, session: AsyncSession,
                        school: School, tools: SchoolViewTools, *, edit: bool = False) -> None:
    chosen = await session.get(CalendarChoice, school.id)
    builder = InlineKeyboardBuilder()
    for calendar in tools.calendars.values():
        mark = "✅ " if chosen and chosen.calendar_id == calendar.id else ""
        builder.row(InlineKeyboardButton(
            text=mark + calendar.title.get(i18n.locale),
            callback_data=PickCalendar(school_id=school.id, calendar=calendar.id).pack()))
    shown = [i18n.get("calendar-title", school=school.name)]
    calendar = tools.calendars.get(chosen.calendar_id) if chosen else None
    if calendar is None:
        shown.append(i18n.get("calendar-none"))
    else:
        today = tools.clock.now().astimezone(ZoneInfo(tools.settings.timezone)).date()
        year = school_year_of(today)
        shown.append(i18n.get("calendar-chosen", title=calendar.title.get(i18n.locale),
                              shift=chosen.shift_days))
        for stage in calendar.stages:
            shown.append(Markup("<b>{}</b>").format(stage.title.get(i18n.locale)))
            for event in stage.events:
                opens, due = event.window(year, chosen.shift_days)
                shown.append(Markup("• {:%d.%m}–{:%d.%m.%Y} {}").format(
                    opens, due, event.title.get(i18n.locale)))
        builder.row(*[InlineKeyboardButton(
            text=i18n.get("button-calendar-shift", days=f"{days:+d}"),
            callback_data=ShiftCalendar(school_id=school.id, days=days).pack())
            for days in SHIFTS])
    text, markup = lines(shown), builder.as_markup()
    if edit:
        with unless_unchanged():  # the calendar already chosen picked again
            await message.edit_text(text, reply_markup=markup)
    else:
        await message.answer(text, reply_markup=markup)


async def on_pick(query: CallbackQuery, callback_data: PickCalendar, i18n: I18nContext,
                  session: AsyncSession, user: User, school: School, settings: Settings,
                  calendars: dict[str, Calendar], clock: Clock, profiles: Profiles,
                  surveys: Surveys) -> None:
    if not isinstance(query.message, Message) or callback_data.calendar not in calendars:
        raise StaleAction
    await calendar_choices.choose(session, school.id, callback_data.calendar, user.id)
    await session.commit()
    await query.answer(i18n.get("calendar-saved"))
    await show_calendar(query.message, i18n, session, school,
                        SchoolViewTools(profiles, calendars, settings, clock, surveys), edit=True)


async def on_shift(query: CallbackQuery, callback_data: ShiftCalendar, i18n: I18nContext,
                   session: AsyncSession, school: School, settings: Settings,
                   calendars: dict[str, Calendar], clock: Clock, profiles: Profiles,
                   surveys: Surveys) -> None:
    if not isinstance(query.message, Message) or callback_data.days not in SHIFTS or \
            await calendar_choices.shift(session, school.id, callback_data.days) is None:
        raise StaleAction
    await session.commit()
    await query.answer(i18n.get("calendar-saved"))
    await show_calendar(query.message, i18n, session, school,
                        SchoolViewTools(profiles, calendars, settings, clock, surveys), edit=True)


def router() -> Router:
    choice = Router(name="calendar_choice")
    choice.callback_query.register(on_pick, PickCalendar.filter(), CuratedSchool())
    choice.callback_query.register(on_shift, ShiftCalendar.filter(), CuratedSchool())
    return choice
