"""A member's answer to a proposed pair: agreed (the pair starts once everybody has), or declined
(the others and the curators are told, and the person may say why)."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram import Bot
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, Message
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.outbox_worker import OutboxWorker
from domain.roles import Form
from handlers.callbacks import (
    PairAct,
    PairAction,
    PairReply,
)
from handlers.outgoing import button, contact, full_name, localized, owe, pair_title
from handlers.rendering import drop_buttons
from handlers.states import PairStates
from models import Pair, User
from services import access, pairs, schools
from services.clock import Clock

MAX_REASON = 1000


async def curators_to_tell(session: AsyncSession, pair: Pair, settings: Settings) -> list[User]:
    """Whoever proposed the pair, else the school's curators, else the regional ones."""
    if pair.created_by and pair.created_by not in {m.user_id for m in pair.members}:
        proposer = await session.get(User, pair.created_by)
        if proposer is not None:
            return [proposer]
    return await schools.responsible_curators(session, pair.school_id, settings.curator_ids)


async def on_pair_reply(query: CallbackQuery, callback_data: PairReply, bot: Bot,
                        state: FSMContext, i18n: I18nContext, session: AsyncSession, user: User,
                        settings: Settings, clock: Clock, outbox: OutboxWorker) -> None:
    now = clock.now()
    pair = await pairs.respond(session, callback_data.pair, user, callback_data.agree, now,
                               now.astimezone(ZoneInfo(settings.timezone)).date(),
                               callback_data.revision)
    people = await pairs.users_by_id(session, [m.user_id for m in pair.members])
    curators = await curators_to_tell(session, pair, settings)
    title = pair_title(pair, people)
    left = pairs.leaves_group(pair, user)
    if left:
        await tell_group_left(state, session, user, clock, outbox, pair, people, curators, title)
    await tell_pair_reply(query, bot, state, i18n, session, user, settings, clock, outbox, pair,
                          people, curators, title, callback_data.agree or left)
    if isinstance(query.message, Message):
        await drop_buttons(query.message)
    if left:
        await bot.send_message(user.telegram_id, i18n.get("group-left-ask-reason"))
    elif not callback_data.agree:
        await bot.send_message(user.telegram_id, i18n.get("pair-declined-ask-reason"))
    elif pair.status != pairs.PairStatus.ACTIVE:
        await bot.send_message(user.telegram_id, i18n.get(
            "pair-waiting-group" if len(pair.members) > 2 else "pair-waiting"))


async def tell_group_left(state: FSMContext, session: AsyncSession, user: User, clock: Clock,
                          outbox: OutboxWorker, pair: Pair, people: dict[int, User],
                          curators: list[User], title: str) -> None:
    """A pupil left a group that goes on: the curators learn who; the others, children among
    them, only that the group is now as `title` says (not who left, nor why)."""
    await state.set_state(PairStates.decline_reason)
    await state.set_data({"pair": pair.id, "left": True})
    for curator in curators:
        await owe(session, clock, outbox, curator, "group-left-curator",
                  params={"name": full_name(user), "pair": title}, about=[user.id, *people])
    if pair.status == pairs.PairStatus.ACTIVE:
        return  # everybody left had agreed: the group's start tells them who is in it
    for other in people.values():
        await owe(session, clock, outbox, other, "group-changed", params={"pair": title},
                  about=people)


async def tell_pair_reply(query: CallbackQuery, bot: Bot, state: FSMContext, i18n: I18nContext,
                          session: AsyncSession, user: User, settings: Settings, clock: Clock,
                          outbox: OutboxWorker, pair: Pair, people: dict[int, User],
                          curators: list[User], title: str, agree: bool) -> None:
    """What a member's answer owes the others, then the update's commit."""
    if not agree:
        await state.set_state(PairStates.decline_reason)
        await state.set_data({"pair": pair.id})
        for other in people.values():
            if other.id != user.id:
                await owe(session, clock, outbox, other, "pair-cancelled-partner",
                          params={"name": full_name(user)}, about=[user.id])
        for curator in curators:
            await owe(session, clock, outbox, curator, "pair-declined-curator",
                      params={"name": full_name(user), "pair": title}, about=people)
        await session.commit()
        return
    if pair.status != pairs.PairStatus.ACTIVE:
        await session.commit()
        return
    for joined in people.values():
        partners = [p for p in people.values() if p.id != joined.id]
        started = "pair-started-group" if len(partners) > 1 else "pair-started"
        await owe(session, clock, outbox, joined, started, params={
            "partners": [localized("pair-partner", name=full_name(p),
                                   contact=contact(p, joined))
                         if await access.may_see_contact(session, joined, p, settings.curator_ids)
                         else full_name(p) for p in partners],
            "end": pair.planned_end.strftime("%d.%m.%Y")}, about=[p.id for p in partners])
    # Pairs the pupils formed themselves come with a button to cancel them.
    cancel = [[button("button-pair-cancel", PairAction(pair=pair.id, act=PairAct.CANCEL).pack())]]
    for curator in curators:
        await owe(session, clock, outbox, curator, "pair-started-curator",
                  params={"pair": title, "form": localized(f"form-{pair.form}")},
                  buttons=cancel if pair.form == Form.PUPIL_PUPIL else None, about=people)
    await session.commit()


async def on_decline_reason(message: Message, text: str, state: FSMContext, i18n: I18nContext,
                            session: AsyncSession, user: User, settings: Settings, clock: Clock,
                            outbox: OutboxWorker) -> None:
    data = await state.get_data()
    await state.clear()
    pair_id = int(data.get("pair", 0))
    # A pupil who left a group is no member to note the reason on: it goes to the curators.
    pair = await pairs.group_left_by(session, pair_id, user) if data.get("left") else \
        await pairs.note_decline_reason(session, pair_id, user, text)
    if pair is None:
        await session.commit()
        await message.answer(i18n.get("error-stale"))
        return
    people = await pairs.users_by_id(session, [m.user_id for m in pair.members])
    for curator in await curators_to_tell(session, pair, settings):
        await owe(session, clock, outbox, curator, "pair-decline-reason-curator", params={
            "name": full_name(user), "pair": pair_title(pair, people),
            "reason": text}, about=[user.id, *people])
    await session.commit()
    await message.answer(i18n.get("pair-reason-sent"))
