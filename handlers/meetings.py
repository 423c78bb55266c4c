"""Meetings: proposing one (handlers.meeting_proposal), answering it and what comes after
(handlers.meeting_answers), reminder settings (handlers.meeting_settings); /meetings lists a
person's meetings. One router for all of it, wired here."""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import Command
from aiogram.types import Message
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.html import Markup, lines
from handlers.callbacks import (
    MeetDay,
    MeetHeld,
    MeetLength,
    MeetModel,
    MeetPair,
    MeetRate,
    MeetReminder,
    MeetRepeat,
    MeetReply,
    MeetTime,
    ReminderSetting,
    SetZone,
)
from handlers.meeting_answers import on_held, on_note, on_rate, on_reminder, on_reply
from handlers.meeting_proposal import (
    MAX_TEXT,
    on_day,
    on_length,
    on_meet,
    on_model,
    on_pair_picked,
    on_place,
    on_repeat,
    on_time_button,
    on_time_text,
    on_topic,
)
from handlers.meeting_settings import on_setting, on_settings, on_zone
from handlers.states import MeetingStates
from handlers.typed_text import ask_text
from models import Meeting, User
from services import meetings
from services.clock import Clock


async def on_list(message: Message, i18n: I18nContext, session: AsyncSession, user: User,
                  settings: Settings, clock: Clock) -> None:
    mine = await meetings.of_person(session, user)
    now = clock.now()
    upcoming = [m for m in mine if m.starts_at >= now][:10]
    past = [m for m in mine if m.starts_at < now][-10:]
    if not upcoming and not past:
        await message.answer(i18n.get("meetings-none"))
        return
    answered = await meetings.answered(session, upcoming + past)

    def line(meeting: Meeting) -> str:
        facts = [Markup("• {} — {} ({})").format(
            meetings.local_span(meeting, user, settings.timezone), meeting.topic, meeting.place),
            i18n.get(f"meeting-status-{meeting.status}")]
        if (original := answered.get(meeting.counter_to_id)) is not None:
            facts.append(i18n.get("meeting-counter-to", when=meetings.local_text(
                original.starts_at, user, settings.timezone)))
        return lines(facts, " · ")

    parts = []
    if upcoming:
        parts += [i18n.get("meetings-upcoming")] + [line(m) for m in upcoming]
    if past:
        parts += [i18n.get("meetings-past")] + [line(m) for m in past]
    await message.answer(lines(parts))


def router() -> Router:
    meet = Router(name="meetings")
    meet.message.register(on_meet, Command("meet"))
    meet.message.register(on_list, Command("meetings"))
    meet.message.register(on_settings, Command("settings"))
    meet.message.register(on_time_text, MeetingStates.time)
    ask_text(meet, on_place, MeetingStates.place, MAX_TEXT)
    ask_text(meet, on_topic, MeetingStates.topic, MAX_TEXT)
    ask_text(meet, on_note, MeetingStates.note, MAX_TEXT * 3, hint="meet-ask-note")
    meet.callback_query.register(on_pair_picked, MeetPair.filter())
    meet.callback_query.register(on_day, MeetDay.filter())
    meet.callback_query.register(on_time_button, MeetTime.filter())
    meet.callback_query.register(on_model, MeetModel.filter())
    meet.callback_query.register(on_length, MeetLength.filter())
    meet.callback_query.register(on_repeat, MeetRepeat.filter())
    meet.callback_query.register(on_reply, MeetReply.filter())
    meet.callback_query.register(on_reminder, MeetReminder.filter())
    meet.callback_query.register(on_held, MeetHeld.filter())
    meet.callback_query.register(on_rate, MeetRate.filter())
    meet.callback_query.register(on_setting, ReminderSetting.filter())
    meet.callback_query.register(on_zone, SetZone.filter())
    return meet
