"""Answers to a meeting: the partner accepts, declines or asks for another time; the reminder's
«I can't make it»; the mentor's log and the mentee's rating after it."""

from __future__ import annotations

from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.outbox_worker import OutboxWorker
from handlers.callbacks import (
    MeetAnswer,
    MeetHeld,
    MeetRate,
    MeetReminder,
    MeetReply,
    ReminderAnswer,
)
from handlers.meeting_proposal import (
    MAX_TEXT,
    ask_day,
    followup_buttons,
    meeting_about,
    meeting_params,
    propose_for,
    reminder_buttons,
)
from handlers.outgoing import owe
from handlers.rendering import drop_buttons
from handlers.states import MeetingStates
from models import Pair, User
from services import meetings, pairs
from services.clock import Clock
from services.errors import StaleAction


async def on_reply(query: CallbackQuery, callback_data: MeetReply, state: FSMContext,
                   i18n: I18nContext, session: AsyncSession, user: User, settings: Settings,
                   clock: Clock, outbox: OutboxWorker) -> None:
    if not isinstance(query.message, Message):
        raise StaleAction
    meeting, pair = await meetings.respond(session, callback_data.meeting, user,
                                           callback_data.act is MeetAnswer.ACCEPT, clock.now())
    people = await pairs.users_by_id(session, [m.user_id for m in pair.members])
    proposer = people.get(meeting.proposed_by)
    if callback_data.act is MeetAnswer.ACCEPT:
        for occurrence in await meetings.series(session, meeting):
            await meetings.plan_messages(session, occurrence, pair, people, clock.now(),
                                         settings.timezone, reminder_buttons=reminder_buttons,
                                         followup_buttons=followup_buttons)
    if proposer is not None:
        await owe(session, clock, outbox, proposer,
                  "meet-accepted-proposer" if callback_data.act is MeetAnswer.ACCEPT
                  else "meet-declined-proposer",
                  params=meeting_params(meeting, proposer, user, settings),
                  about=meeting_about(meeting, user))
    if callback_data.act is MeetAnswer.OTHER:
        await propose_for(state, pair, answers=meeting)
        await session.commit()
        await drop_buttons(query.message)
        await ask_day(query.message, i18n, user, settings, clock)
        return
    await session.commit()
    await drop_buttons(query.message)
    await query.message.answer(i18n.get("meet-accepted" if callback_data.act is MeetAnswer.ACCEPT
                                        else "meet-declined"))


async def on_reminder(query: CallbackQuery, callback_data: MeetReminder, state: FSMContext,
                      i18n: I18nContext, session: AsyncSession, user: User, settings: Settings,
                      clock: Clock, outbox: OutboxWorker) -> None:
    if not isinstance(query.message, Message):
        raise StaleAction
    if callback_data.act is ReminderAnswer.OK:
        await query.answer(i18n.get("meet-see-you"))
        await drop_buttons(query.message)
        return
    meeting = await meetings.withdraw(session, callback_data.meeting, user)
    pair = await session.get(Pair, meeting.pair_id)
    people = await pairs.users_by_id(session, [m.user_id for m in pair.members])
    for partner in (people[m.user_id] for m in pair.members if m.user_id != user.id):
        await owe(session, clock, outbox, partner, "meet-moved-partner",
                  params=meeting_params(meeting, partner, user, settings),
                  about=meeting_about(meeting, user))
    await propose_for(state, pair, answers=meeting)
    await session.commit()
    await drop_buttons(query.message)
    await ask_day(query.message, i18n, user, settings, clock)


async def on_held(query: CallbackQuery, callback_data: MeetHeld, state: FSMContext,
                  i18n: I18nContext, session: AsyncSession, user: User) -> None:
    await meetings.record_held(session, callback_data.meeting, user, callback_data.held)
    asks_note = callback_data.held and isinstance(query.message, Message)
    if asks_note:
        await state.set_state(MeetingStates.note)
        await state.set_data({"meeting": callback_data.meeting})
    await session.commit()
    if isinstance(query.message, Message):
        await drop_buttons(query.message)
        await query.message.answer(i18n.get("meet-ask-note", limit=MAX_TEXT * 3) if asks_note
                                   else i18n.get("meet-not-held"))


async def on_note(message: Message, text: str, state: FSMContext, i18n: I18nContext,
                  session: AsyncSession, user: User) -> None:
    data = await state.get_data()
    await state.clear()
    try:
        await meetings.record_note(session, int(data.get("meeting", 0)), user, text)
    except StaleAction:
        key = "error-stale"
    else:
        key = "meet-note-saved"
    await session.commit()
    await message.answer(i18n.get(key))


async def on_rate(query: CallbackQuery, callback_data: MeetRate, i18n: I18nContext,
                  session: AsyncSession, user: User) -> None:
    await meetings.record_rating(session, callback_data.meeting, user, callback_data.score)
    await session.commit()
    await query.answer(i18n.get("meet-rated"))
    if isinstance(query.message, Message):
        await drop_buttons(query.message)
