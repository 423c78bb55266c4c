"""Proposing a meeting: /meet, then a day picker (four weeks), a time, place, topic,
interaction model, and on the last step its length (60 minutes unless another is picked) and
repeat; the partner is asked through the outbox. A proposal made after «another time» or a move
is a counter-proposal: it links to the meeting it answers."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.html import lines
from bot.outbox_worker import OutboxWorker
from bot.unit_of_work import commit
from handlers.callbacks import (
    MeetAnswer,
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
    ReminderAnswer,
)
from handlers.outgoing import button, full_name, localized, owe
from handlers.rendering import drop_buttons, unless_unchanged
from handlers.states import MeetingStates
from models import Meeting, Pair, User
from services import meetings, pairs
from services.clock import Clock
from services.errors import StaleAction

DAYS_OFFERED = 28
SLOTS = [f"{hour:02d}00" for hour in range(8, 20)]
TIME_PATTERN = re.compile(r"^([01]?\d|2[0-3])[:.]([0-5]\d)$")
MAX_TEXT = 300
def zone_of(user: User, settings: Settings) -> ZoneInfo:
    return ZoneInfo(user.timezone or settings.timezone)


def local_start(day: str, hhmm: str, user: User, settings: Settings) -> datetime:
    """The moment a day (ISO) and a time (HHMM) picked by this person stand for."""
    return datetime.combine(date.fromisoformat(day), datetime.strptime(hhmm, "%H%M").time(),
                            tzinfo=zone_of(user, settings))


def day_picker(i18n: I18nContext, today: date) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    days = offered_days(today)
    for week in range(0, DAYS_OFFERED, 7):
        builder.row(*[InlineKeyboardButton(
            text=day.strftime("%d.%m"), callback_data=MeetDay(day=day.strftime("%Y%m%d")).pack())
            for day in days[week:week + 7]])
    return builder.as_markup()


async def _active_pairs(session: AsyncSession, user: User) -> list[Pair]:
    return [p for p in await pairs.pairs_of(session, user) if p.status == pairs.PairStatus.ACTIVE]


async def start_proposal(message: Message, state: FSMContext, i18n: I18nContext, pair: Pair,
                         user: User, settings: Settings, clock: Clock) -> None:
    await propose_for(state, pair)
    await commit()
    await ask_day(message, i18n, user, settings, clock)


async def propose_for(state: FSMContext, pair: Pair, answers: Meeting | None = None) -> None:
    """Begin a proposal for the pair; `answers`: the meeting it is a counter-proposal to."""
    await state.set_state(MeetingStates.day)
    await state.set_data({"pair": pair.id} | ({"answers": answers.id} if answers else {}))


async def ask_day(message: Message, i18n: I18nContext, user: User, settings: Settings,
                  clock: Clock) -> None:
    today = clock.now().astimezone(zone_of(user, settings)).date()
    await message.answer(i18n.get("meet-pick-day"), reply_markup=day_picker(i18n, today))


async def on_meet(message: Message, state: FSMContext, i18n: I18nContext, session: AsyncSession,
                  user: User, settings: Settings, clock: Clock) -> None:
    active = await _active_pairs(session, user)
    if not active:
        await message.answer(i18n.get("meet-no-pair"))
        return
    if len(active) == 1:
        await start_proposal(message, state, i18n, active[0], user, settings, clock)
        return
    people = await pairs.users_by_id(session, {m.user_id for p in active for m in p.members})
    builder = InlineKeyboardBuilder()
    for pair in active:
        partners = lines((full_name(people[m.user_id]) for m in pair.members
                          if m.user_id != user.id), ", ")
        builder.row(InlineKeyboardButton(text=partners,
                                         callback_data=MeetPair(pair=pair.id).pack()))
    await message.answer(i18n.get("meet-pick-pair"), reply_markup=builder.as_markup())


async def on_pair_picked(query: CallbackQuery, callback_data: MeetPair, state: FSMContext,
                         i18n: I18nContext, session: AsyncSession, user: User,
                         settings: Settings, clock: Clock) -> None:
    pair = next((p for p in await _active_pairs(session, user) if p.id == callback_data.pair),
                None)
    if pair is None or not isinstance(query.message, Message):
        raise StaleAction
    await start_proposal(query.message, state, i18n, pair, user, settings, clock)


def offered_days(today: date) -> list[date]:
    """The days the day picker offers, today first."""
    return [today + timedelta(days=n) for n in range(DAYS_OFFERED)]


async def on_day(query: CallbackQuery, callback_data: MeetDay, state: FSMContext,
                 i18n: I18nContext, user: User, settings: Settings, clock: Clock) -> None:
    # Only a day the picker offered (it shows the next four weeks): a forged one (year 9999,
    # say) would make a weekly series overflow the date range.
    today = clock.now().astimezone(zone_of(user, settings)).date()
    day = next((d for d in offered_days(today) if d.strftime("%Y%m%d") == callback_data.day),
               None)
    if day is None or await state.get_state() != MeetingStates.day.state or \
            not isinstance(query.message, Message):
        raise StaleAction
    await drop_buttons(query.message)
    await state.update_data(day=day.isoformat())
    await state.set_state(MeetingStates.time)
    builder = InlineKeyboardBuilder()
    for start in range(0, len(SLOTS), 4):
        builder.row(*[InlineKeyboardButton(text=f"{slot[:2]}:{slot[2:]}",
                                           callback_data=MeetTime(at=slot).pack())
                      for slot in SLOTS[start:start + 4]])
    await commit()
    await query.message.answer(i18n.get("meet-pick-time", day=day.strftime("%d.%m.%Y")),
                               reply_markup=builder.as_markup())


async def _take_time(message: Message, state: FSMContext, i18n: I18nContext, hhmm: str,
                     user: User, settings: Settings, clock: Clock) -> None:
    data = await state.get_data()
    if local_start(data["day"], hhmm, user, settings) <= clock.now():
        await message.answer(i18n.get("meet-in-past"))
        return
    await state.update_data(time=hhmm)
    await state.set_state(MeetingStates.place)
    await commit()
    await message.answer(i18n.get("meet-ask-place", limit=MAX_TEXT))


async def on_time_button(query: CallbackQuery, callback_data: MeetTime, state: FSMContext,
                         i18n: I18nContext, user: User, settings: Settings, clock: Clock) -> None:
    if callback_data.at not in SLOTS or await state.get_state() != MeetingStates.time.state \
            or not isinstance(query.message, Message):
        raise StaleAction
    await drop_buttons(query.message)
    await _take_time(query.message, state, i18n, callback_data.at, user, settings, clock)


async def on_time_text(message: Message, state: FSMContext, i18n: I18nContext, user: User,
                       settings: Settings, clock: Clock) -> None:
    match = TIME_PATTERN.match((message.text or "").strip())
    if match is None:
        await message.answer(i18n.get("meet-bad-time"))
        return
    hhmm = f"{int(match.group(1)):02d}{match.group(2)}"
    await _take_time(message, state, i18n, hhmm, user, settings, clock)


async def on_place(message: Message, text: str, state: FSMContext, i18n: I18nContext) -> None:
    await state.update_data(place=text)
    await state.set_state(MeetingStates.topic)
    await commit()
    await message.answer(i18n.get("meet-ask-topic", limit=MAX_TEXT))


async def on_topic(message: Message, text: str, state: FSMContext, i18n: I18nContext) -> None:
    await state.update_data(topic=text)
    await state.set_state(MeetingStates.model)
    builder = InlineKeyboardBuilder()
    for model in meetings.MODELS:
        builder.row(InlineKeyboardButton(text=i18n.get(f"model-{model}"),
                                         callback_data=MeetModel(model=model).pack()))
    await commit()
    await message.answer(i18n.get("meet-ask-model"), reply_markup=builder.as_markup())


async def on_model(query: CallbackQuery, callback_data: MeetModel, state: FSMContext,
                   i18n: I18nContext) -> None:
    if callback_data.model not in meetings.MODELS or \
            await state.get_state() != MeetingStates.model.state or \
            not isinstance(query.message, Message):
        raise StaleAction
    await drop_buttons(query.message)
    await state.update_data(model=callback_data.model)
    await state.set_state(MeetingStates.repeat)
    await commit()
    await query.message.answer(i18n.get("meet-ask-repeat"),
                               reply_markup=repeat_keyboard(i18n, meetings.DEFAULT_LENGTH))


def repeat_keyboard(i18n: I18nContext, minutes: int) -> InlineKeyboardMarkup:
    """The last step: the length (the chosen one ticked) and the repeat buttons that send."""
    lengths = [InlineKeyboardButton(
        text=("✓ " if length == minutes else "") + i18n.get("meet-length", minutes=length.value),
        callback_data=MeetLength(minutes=length).pack()) for length in meetings.MeetingLength]
    return InlineKeyboardMarkup(inline_keyboard=[lengths] + [
        [InlineKeyboardButton(text=i18n.get(f"repeat-{repeat}"),
                              callback_data=MeetRepeat(repeat=repeat).pack())]
        for repeat in meetings.REPEAT_DAYS])


async def on_length(query: CallbackQuery, callback_data: MeetLength, state: FSMContext,
                    i18n: I18nContext) -> None:
    if await state.get_state() != MeetingStates.repeat.state or \
            not isinstance(query.message, Message):
        raise StaleAction
    await state.update_data(minutes=callback_data.minutes.value)
    await commit()
    with unless_unchanged():  # the length already chosen pressed again
        await query.message.edit_reply_markup(
            reply_markup=repeat_keyboard(i18n, callback_data.minutes))


async def on_repeat(query: CallbackQuery, callback_data: MeetRepeat, state: FSMContext,
                    i18n: I18nContext, session: AsyncSession, user: User, settings: Settings,
                    clock: Clock, outbox: OutboxWorker) -> None:
    data = await state.get_data()
    pair = await session.get(Pair, int(data.get("pair", 0)))
    if await state.get_state() != MeetingStates.repeat.state or pair is None or \
            not isinstance(query.message, Message):
        raise StaleAction
    meeting = await meetings.propose(
        session, pair, user,
        starts_at=local_start(data["day"], data["time"], user, settings),
        place=data["place"], topic=data["topic"],
        model=data["model"], repeat=callback_data.repeat, now=clock.now(),
        minutes=int(data.get("minutes", meetings.DEFAULT_LENGTH)), counter_to=data.get("answers"))
    original = await session.get(Meeting, meeting.counter_to_id) if meeting.counter_to_id \
        else None
    await state.clear()
    people = await pairs.users_by_id(session, [m.user_id for m in pair.members])
    for partner in (people[m.user_id] for m in pair.members if m.user_id != user.id):
        params = meeting_params(meeting, partner, user, settings)
        if original is not None:
            params["original"] = meetings.local_text(original.starts_at, partner,
                                                     settings.timezone)
        await owe(session, clock, outbox, partner,
                  "meet-proposed" if original is None else "meet-counter-proposed",
                  kind="meeting-proposal", params=params, buttons=[[
                      button("button-meet-accept", MeetReply(meeting=meeting.id,
                                                             act=MeetAnswer.ACCEPT).pack()),
                      button("button-meet-decline", MeetReply(meeting=meeting.id,
                                                              act=MeetAnswer.DECLINE).pack()),
                  ], [button("button-meet-other", MeetReply(meeting=meeting.id,
                                                            act=MeetAnswer.OTHER).pack())]],
                  about=meeting_about(meeting, user))
    await session.commit()
    await drop_buttons(query.message)
    await query.message.answer(i18n.get("meet-sent"))


def meeting_about(meeting: Meeting, author: User) -> set[int]:
    """Whose data a notice about the meeting carries: its author's name, and the place and
    topic its proposer typed."""
    return {author.id} | ({meeting.proposed_by} if meeting.proposed_by else set())


def meeting_params(meeting: Meeting, recipient: User, author: User,
                   settings: Settings) -> dict:
    return {"name": full_name(author),
            "when": meetings.local_span(meeting, recipient, settings.timezone),
            "place": meeting.place, "topic": meeting.topic,
            "model": localized(f"model-{meeting.model}"),
            "repeat": localized(f"repeat-{meeting.repeat}")}


def reminder_buttons(meeting: Meeting) -> list[list[dict]]:
    return [[button(f"button-meet-{answer}",
                    MeetReminder(meeting=meeting.id, act=answer).pack())
             for answer in (ReminderAnswer.OK, ReminderAnswer.MOVE)]]


def followup_buttons(meeting: Meeting, side: str) -> list[list[dict]]:
    if side == pairs.MENTOR:
        return [[button("answer-yes", MeetHeld(meeting=meeting.id, held=True).pack()),
                 button("answer-no", MeetHeld(meeting=meeting.id, held=False).pack())]]
    return [[button("button-rate", MeetRate(meeting=meeting.id, score=score).pack(),
                    score=score) for score in range(1, 6)]]
