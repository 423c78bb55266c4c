"""A group in «учитель – ученик»: the curator adds further pupils to a proposed pair (one teacher,
several pupils, within the teacher's places); everybody agrees before the group starts."""

from __future__ import annotations

from aiogram.types import CallbackQuery, InlineKeyboardButton, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.outbox_worker import OutboxWorker
from handlers.callbacks import GroupPupil
from handlers.matching import ask_consent
from handlers.outgoing import pair_title, shown
from handlers.rendering import drop_buttons
from models import Pair
from services import pairing, pairs
from services.clock import Clock
from services.errors import StaleAction

SHOWN_PUPILS = 30


async def on_group_pupil(query: CallbackQuery, callback_data: GroupPupil, i18n: I18nContext,
                         session: AsyncSession, pair: Pair, clock: Clock,
                         outbox: OutboxWorker) -> None:
    if not isinstance(query.message, Message) or not pairing.takes_pupils(pair):
        raise StaleAction
    if not callback_data.pupil:
        await _show_candidates(query.message, i18n, session, pair)
        return
    grown = await pairing.add_pupil(session, pair.id, callback_data.pupil)
    if grown is None:
        raise StaleAction
    await ask_consent(session, clock, outbox, grown)
    people = await pairs.users_by_id(session, [m.user_id for m in grown.members])
    await session.commit()
    await drop_buttons(query.message)
    await query.message.answer(i18n.get(
        "group-pupil-added", name=people[callback_data.pupil].profile.full_name or "—",
        pair=shown(i18n, pair_title(grown, people))))


async def _show_candidates(message: Message, i18n: I18nContext, session: AsyncSession,
                           pair: Pair) -> None:
    pupils, free, names = await pairing.group_candidates(session, pair)
    people = await pairs.users_by_id(session, [m.user_id for m in pair.members])
    title = shown(i18n, pair_title(pair, people))
    if free <= 0:
        await message.answer(i18n.get("match-no-places"))
        return
    if not pupils:
        await message.answer(i18n.get("group-no-pupils", pair=title))
        return
    builder = InlineKeyboardBuilder()
    for pupil in sorted(pupils, key=lambda p: names[p.id])[:SHOWN_PUPILS]:
        builder.row(InlineKeyboardButton(
            text=names[pupil.id],
            callback_data=GroupPupil(pair=pair.id, pupil=pupil.id).pack()))
    await message.answer(i18n.get("group-choose", pair=title, free=free),
                         reply_markup=builder.as_markup())
