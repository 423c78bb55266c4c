"""/plan: the individual plan of each active pair; the mentor adds and removes items, either
side ticks them off. A plan is shown a page at a time: thirty goals of 300 characters would not
fit in one message, and a tick edits the message it was pressed under."""

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
from bot.unit_of_work import commit
from handlers.callbacks import PlanAdd, PlanDelete, PlanPage, PlanTick
from handlers.outgoing import pair_title, shown
from handlers.rendering import page_turns, paged
from handlers.states import PlanStates
from handlers.typed_text import ask_text
from models import Pair, PlanItem, User
from services import pairs, plans
from services.clock import Clock
from services.errors import StaleAction


def item_text(i18n: I18nContext, number: int, item: PlanItem) -> Markup:
    goal = item.goal or i18n.get("plan-area-goal", area=i18n.get(f"area-{item.area}"))
    due = i18n.get("plan-due", date=item.due_on.strftime("%d.%m.%Y")) if item.due_on else ""
    return Markup("{}. {} {}{}").format(number, "✅" if item.done_at else "▫️", goal, due)


PAGE = 10


def page_of(pair: Pair, item_id: int | None) -> int:
    """The page showing an item (the last page for an item no longer there)."""
    ids = [item.id for item in pair.plan]
    index = ids.index(item_id) if item_id in ids else len(ids) - 1
    return max(index, 0) // PAGE


async def send_plan(message: Message, i18n: I18nContext, session: AsyncSession, pair: Pair,
                    viewer: User, *, page: int = 0, edit: bool = False) -> None:
    people = await pairs.users_by_id(session, [m.user_id for m in pair.members])
    items, page, pages = paged(pair.plan, page, PAGE)
    on_page = list(enumerate(items, start=page * PAGE + 1))
    shown_lines = [i18n.get("plan-title", pair=shown(i18n, pair_title(pair, people)))]
    if pages > 1:
        shown_lines.append(i18n.get("plan-page", page=page + 1, pages=pages))
    shown_lines += [item_text(i18n, n, item) for n, item in on_page] or \
        [i18n.get("plan-empty")]
    builder = InlineKeyboardBuilder()
    is_mentor = pairs.member(pair, viewer.id).side == pairs.MENTOR
    for number, item in on_page:
        row = [InlineKeyboardButton(
            text=i18n.get("button-plan-undo" if item.done_at else "button-plan-done", n=number),
            callback_data=PlanTick(item=item.id).pack())]
        if is_mentor:
            row.append(InlineKeyboardButton(text=i18n.get("button-plan-delete", n=number),
                                            callback_data=PlanDelete(item=item.id).pack()))
        builder.row(*row)
    turns = page_turns(page, pages, lambda to: PlanPage(pair=pair.id, page=to).pack())
    if turns:
        builder.row(*turns)
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
    item = await plans.toggle(session, callback_data.item, user, clock.now())
    await session.commit()
    if isinstance(query.message, Message):
        pair = await session.get(Pair, item.pair_id)
        await send_plan(query.message, i18n, session, pair, user, page=page_of(pair, item.id),
                        edit=True)


async def on_page(query: CallbackQuery, callback_data: PlanPage, i18n: I18nContext,
                  session: AsyncSession, user: User) -> None:
    pair = await plans.plan_pair(session, callback_data.pair, user)
    if isinstance(query.message, Message):
        await send_plan(query.message, i18n, session, pair, user, page=callback_data.page,
                        edit=True)


async def on_delete(query: CallbackQuery, callback_data: PlanDelete, i18n: I18nContext,
                    session: AsyncSession, user: User) -> None:
    pair, position = await plans.delete(session, callback_data.item, user)
    await session.commit()
    if isinstance(query.message, Message):
        await send_plan(query.message, i18n, session, pair, user,
                        page=min(position, len(pair.plan) - 1) // PAGE, edit=True)


async def on_add(query: CallbackQuery, callback_data: PlanAdd, state: FSMContext,
                 i18n: I18nContext, session: AsyncSession, user: User) -> None:
    await plans.plan_pair(session, callback_data.pair, user, mentor_only=True)
    await state.set_state(PlanStates.goal)
    await state.set_data({"pair": callback_data.pair})
    await session.commit()
    await query.message.answer(i18n.get("plan-ask-goal", limit=plans.MAX_GOAL))


async def on_goal(message: Message, text: str, state: FSMContext, i18n: I18nContext) -> None:
    await state.update_data(goal=text)
    await state.set_state(PlanStates.due)
    await commit()
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
        item = await plans.add(session, pair, data["goal"], due)
    except (StaleAction, KeyError):
        await session.rollback()
        await state.clear()
        await session.commit()
        await message.answer(i18n.get("error-stale"))
        return
    await session.commit()
    await send_plan(message, i18n, session, pair, user, page=page_of(pair, item.id))


def router() -> Router:
    plan = Router(name="plan")
    plan.message.register(on_plan, Command("plan"))
    ask_text(plan, on_goal, PlanStates.goal, plans.MAX_GOAL, hint="plan-ask-goal")
    plan.message.register(on_due, PlanStates.due)
    plan.callback_query.register(on_tick, PlanTick.filter())
    plan.callback_query.register(on_delete, PlanDelete.filter())
    plan.callback_query.register(on_add, PlanAdd.filter())
    plan.callback_query.register(on_page, PlanPage.filter())
    return plan
