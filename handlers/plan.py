"""/plan: the individual plan of each active pair; the mentor adds and removes items, either
side ticks them off."""

from __future__ import annotations

from zoneinfo import ZoneInfo

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.html import Markup, lines
from handlers.callbacks import PlanAdd, PlanDelete, PlanTick
from handlers.outgoing import pair_title, shown
from handlers.states import PlanStates
from models import Pair, PlanItem, User
from services import pairs, plans
from services.clock import Clock
from services.surveys import StaleAction


def item_text(i18n: I18nContext, number: int, item: PlanItem) -> Markup:
    goal = item.goal or i18n.get("plan-area-goal", area=i18n.get(f"area-{item.area}"))
    due = i18n.get("plan-due", date=item.due_on.strftime("%d.%m.%Y")) if item.due_on else ""
    return Markup("{}. {} {}{}").format(number, "✅" if item.done_at else "▫️", goal, due)


async def send_plan(message: Message, i18n: I18nContext, session: AsyncSession, pair: Pair,
                    viewer: User, *, edit: bool = False) -> None:
    people = await pairs.users_by_id(session, [m.user_id for m in pair.members])
    shown_lines = [i18n.get("plan-title", pair=shown(i18n, pair_title(pair, people)))]
    shown_lines += [item_text(i18n, n, item) for n, item in enumerate(pair.plan, start=1)] or \
        [i18n.get("plan-empty")]
    builder = InlineKeyboardBuilder()
    is_mentor = pairs.member(pair, viewer.id).side == pairs.MENTOR
    for number, item in enumerate(pair.plan, start=1):
        row = [InlineKeyboardButton(
            text=i18n.get("button-plan-undo" if item.done_at else "button-plan-done", n=number),
            callback_data=PlanTick(item=item.id).pack())]
        if is_mentor:
            row.append(InlineKeyboardButton(text=i18n.get("button-plan-delete", n=number),
                                            callback_data=PlanDelete(item=item.id).pack()))
        builder.row(*row)
    if is_mentor:
        builder.row(InlineKeyboardButton(text=i18n.get("button-plan-add"),
                                         callback_data=PlanAdd(pair=pair.id).pack()))
    text, markup = lines(shown_lines), builder.as_markup()
    if edit:
        await message.edit_text(text, reply_markup=markup)
    else:
        await message.answer(text, reply_markup=markup)


async def on_plan(message: Message, i18n: I18nContext, session: AsyncSession,
                  user: User) -> None:
    active = [p for p in await pairs.pairs_of(session, user)
              if p.status == pairs.PairStatus.ACTIVE]
    if not active:
        await message.answer(i18n.get("plan-no-pair"))
        return
    for pair in active:
        await send_plan(message, i18n, session, pair, user)


async def on_tick(query: CallbackQuery, callback_data: PlanTick, i18n: I18nContext,
                  session: AsyncSession, user: User, clock: Clock) -> None:
    try:
        item = await plans.toggle(session, callback_data.item, user, clock.now())
    except StaleAction:
        await query.answer(i18n.get("error-stale"), show_alert=True)
        return
    await query.answer()
    if isinstance(query.message, Message):
        await send_plan(query.message, i18n, session, await session.get(Pair, item.pair_id),
                        user, edit=True)


async def on_delete(query: CallbackQuery, callback_data: PlanDelete, i18n: I18nContext,
                    session: AsyncSession, user: User) -> None:
    try:
        pair = await plans.delete(session, callback_data.item, user)
    except StaleAction:
        await query.answer(i18n.get("error-stale"), show_alert=True)
        return
    await query.answer()
    if isinstance(query.message, Message):
        await send_plan(query.message, i18n, session, pair, user, edit=True)


async def on_add(query: CallbackQuery, callback_data: PlanAdd, state: FSMContext,
                 i18n: I18nContext, session: AsyncSession, user: User) -> None:
    try:
        await plans.plan_pair(session, callback_data.pair, user, mentor_only=True)
    except StaleAction:
        await query.answer(i18n.get("error-stale"), show_alert=True)
        return
    await query.answer()
    await state.set_state(PlanStates.goal)
    await state.set_data({"pair": callback_data.pair})
    await query.message.answer(i18n.get("plan-ask-goal", limit=plans.MAX_GOAL))


async def on_goal(message: Message, state: FSMContext, i18n: I18nContext) -> None:
    text = (message.text or "").strip()
    if not text or text.startswith("/"):
        await message.answer(i18n.get("plan-ask-goal", limit=plans.MAX_GOAL))
        return
    if len(text) > plans.MAX_GOAL:
        await message.answer(i18n.get("error-too-long", limit=plans.MAX_GOAL, length=len(text)))
        return
    await state.update_data(goal=text)
    await state.set_state(PlanStates.due)
    await message.answer(i18n.get("plan-ask-due"))


async def on_due(message: Message, state: FSMContext, i18n: I18nContext, session: AsyncSession,
                 user: User, settings: Settings, clock: Clock) -> None:
    text = (message.text or "").strip()
    due = None
    if text != "-":
        try:
            due = plans.parse_due(text, clock.now().astimezone(ZoneInfo(settings.timezone)).date())
        except ValueError:
            await message.answer(i18n.get("plan-bad-date"))
            return
    data = await state.get_data()
    await state.clear()
    try:
        pair = await plans.plan_pair(session, int(data.get("pair", 0)), user, mentor_only=True)
        await plans.add(session, pair, data["goal"], due)
    except (StaleAction, KeyError):
        await message.answer(i18n.get("error-stale"))
        return
    await send_plan(message, i18n, session, pair, user)


def router() -> Router:
    plan = Router(name="plan")
    plan.message.register(on_plan, Command("plan"))
    plan.message.register(on_goal, PlanStates.goal)
    plan.message.register(on_due, PlanStates.due)
    plan.callback_query.register(on_tick, PlanTick.filter())
    plan.callback_query.register(on_delete, PlanDelete.filter())
    plan.callback_query.register(on_add, PlanAdd.filter())
    return plan
