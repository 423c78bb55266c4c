"""Pairs: /pair (a person's pairs), /pairs (the curator's: end, cancel or reassign a pair, its
order and planned end; ending sends the final questionnaires), and the notices to a pair's
group chat. The pair's router, wired here, also takes /match (handlers.matching) and the
members' consent (handlers.pair_consent)."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.html import Markup, lines, shorten
from bot.outbox_worker import OutboxWorker
from domain.roles import Form
from handlers.access_filters import CuratedOpenPair, CuratedSchool
from handlers.callbacks import (
    AcceptMatch,
    ChooseMentor,
    GroupPupil,
    MatchForm,
    OpenSurvey,
    PairAct,
    PairAction,
    PairCard,
    PairReply,
)
from handlers.matching import on_accept_match, on_choose_mentor, on_match_form
from handlers.outgoing import button, contact, full_name, owe, pair_title, shown
from handlers.pair_consent import MAX_REASON, on_decline_reason, on_pair_reply
from handlers.pupil_groups import on_group_pupil
from handlers.rendering import drop_buttons
from handlers.school_context import SchoolViewTools
from handlers.states import PairStates
from handlers.typed_text import ask_text
from models import Pair, School, User
from services import access, meetings, pairing, pairs, plans
from services.clock import Clock
from services.errors import StaleAction
from services.people import roles_of
from services.profiles import Profiles
from services.surveys import Surveys


async def tell_pair_chat(session: AsyncSession, clock: Clock, worker: OutboxWorker,
                         bound: Pair, key: str, **params: Any) -> None:
    """A notice to the group chat bound with /link, if any."""
    if bound.chat_id is not None:
        await owe(session, clock, worker, None, key, params=params, chat_id=bound.chat_id,
                  is_group=True, about=[m.user_id for m in bound.members])


async def _curated_pair(state: FSMContext, session: AsyncSession, user: User,
                        settings: Settings) -> Pair | None:
    data = await state.get_data()
    pair = await session.get(Pair, int(data.get("pair", 0)))
    if pair is None or not await access.may_curate(session, user, pair.school_id,
                                                  settings.curator_ids):
        return None
    return pair


async def on_order_text(message: Message, state: FSMContext, i18n: I18nContext,
                        session: AsyncSession, user: User, settings: Settings) -> None:
    pair = await _curated_pair(state, session, user, settings)
    if pair is None:
        await state.clear()
        await session.commit()
        await message.answer(i18n.get("error-stale"))
        return
    if not await pairs.set_order(session, pair, message.text or ""):
        await message.answer(i18n.get("pair-bad-order"))
        return
    await state.clear()
    await session.commit()
    await message.answer(i18n.get("pair-order-saved", order=pair.order_number,
                                  date=pair.order_date.strftime("%d.%m.%Y")))


async def on_planned_end_text(message: Message, state: FSMContext, i18n: I18nContext,
                              session: AsyncSession, user: User, settings: Settings,
                              clock: Clock) -> None:
    pair = await _curated_pair(state, session, user, settings)
    if pair is None:
        await state.clear()
        await session.commit()
        await message.answer(i18n.get("error-stale"))
        return
    today = clock.now().astimezone(ZoneInfo(settings.timezone)).date()
    try:
        end_on = plans.parse_due(message.text or "", today)
    except ValueError:
        await message.answer(i18n.get("plan-bad-date"))
        return
    if not await pairs.set_planned_end(session, pair, end_on, today):
        await message.answer(i18n.get("pair-bad-end"))
        return
    await state.clear()
    await session.commit()
    await message.answer(i18n.get("pair-end-saved", date=end_on.strftime("%d.%m.%Y")))


def pair_card(i18n: I18nContext, pair: Pair, viewer: User, people: dict[int, User],
              profiles: Profiles, contacts: set[int]) -> Markup:
    """A pair as one of its members sees it, with the contacts of `contacts` (those the access
    policy lets the viewer see). A pupil sees a teacher's name and nothing else."""
    viewer_is_teacher = any(role.is_teacher for role in roles_of(viewer))
    subjects = profiles.form.question("subjects")
    card = [i18n.get("pair-card-title", form=i18n.get(f"form-{pair.form}"),
                     status=i18n.get(f"pair-status-{pair.status}"))]
    for joined in pair.members:
        if joined.user_id == viewer.id:
            continue
        partner = people[joined.user_id]
        facts = [i18n.get(f"pair-side-{joined.side}", name=full_name(partner))]
        if viewer_is_teacher and partner.profile and partner.profile.subjects:
            facts.append(lines((subjects.option_text(s, i18n.locale)
                                for s in partner.profile.subjects), ", "))
        if partner.id in contacts and pair.status == pairs.PairStatus.ACTIVE:
            facts.append(shown(i18n, contact(partner, viewer)))
        card.append(lines(facts, " · "))
    if pair.status == pairs.PairStatus.ACTIVE and pair.planned_end:
        card.append(i18n.get("pair-card-dates", start=pair.started_on.strftime("%d.%m.%Y"),
                             end=pair.planned_end.strftime("%d.%m.%Y")))
    return lines(card)


async def on_my_pairs(message: Message, i18n: I18nContext, session: AsyncSession, user: User,
                      profiles: Profiles, settings: Settings) -> None:
    mine = (await pairs.pairs_of(session, user))[:10]
    if not mine:
        await message.answer(i18n.get("pairs-none"))
        return
    people = await pairs.users_by_id(session, {m.user_id for p in mine for m in p.members})
    contacts = {person.id for person in people.values()
                if await access.may_see_contact(session, user, person, settings.curator_ids)}
    # A mentor may look into their own pairs in detail (plan, meetings, progress).
    details = [[InlineKeyboardButton(
        text=shorten(lines([i18n.get("button-pair-card"), shown(i18n, pair_title(p, people))],
                           " · "), 64),
        callback_data=PairCard(pair=p.id).pack())]
               for p in mine if await access.may_see_pair(session, user, p, settings.curator_ids)]
    await message.answer(lines((pair_card(i18n, p, user, people, profiles, contacts)
                                for p in mine), "\n\n"),
                         reply_markup=InlineKeyboardMarkup(inline_keyboard=details)
                         if details else None)


async def show_school_pairs(message: Message, i18n: I18nContext, session: AsyncSession,
                            school: School, tools: SchoolViewTools | None = None) -> None:
    current = await pairs.school_pairs(session, school.id)
    if not current:
        await message.answer(i18n.get("school-pairs-none", school=school.name))
        return
    people = await pairs.users_by_id(session, {m.user_id for p in current for m in p.members})
    for pair in current[:30]:
        def button(act: PairAct, pair_id: int = pair.id) -> InlineKeyboardButton:
            return InlineKeyboardButton(text=i18n.get(f"button-pair-{act}"),
                                        callback_data=PairAction(pair=pair_id, act=act).pack())

        details = i18n.get("school-pair-details",
                           end=pair.planned_end.strftime("%d.%m.%Y") if pair.planned_end else "—",
                           order=pair.order_number or "—",
                           order_date=pair.order_date.strftime("%d.%m.%Y")
                           if pair.order_date else "—")
        await message.answer(
            lines([i18n.get("school-pair", pair=shown(i18n, pair_title(pair, people)),
                            status=i18n.get(f"pair-status-{pair.status}")), details]),
            reply_markup=InlineKeyboardMarkup(inline_keyboard=[
                [button(PairAct.END), button(PairAct.REASSIGN)],
                [button(PairAct.ORDER), button(PairAct.UNTIL)],
                [InlineKeyboardButton(text=i18n.get("button-pair-card"),
                                      callback_data=PairCard(pair=pair.id).pack())],
                *([[InlineKeyboardButton(text=i18n.get("button-group-add"),
                                         callback_data=GroupPupil(pair=pair.id).pack())]]
                  if pairing.takes_pupils(pair) else [])]))


def final_surveys(surveys: Surveys, person: User, side: str) -> list[list[dict[str, Any]]]:
    """Buttons for the questionnaires that close a pair: satisfaction for all, the re-diagnosis
    for mentees."""
    kinds = {"satisfaction", "diagnosis"} if side == pairs.MENTEE else {"satisfaction"}
    return [[button("button-survey-start", OpenSurvey(code=q.id, again=True).pack(),
                    title=q.title.model_dump())]
            for q, _ in surveys.open_to(person) if q.kind in kinds]


async def on_pair_action(query: CallbackQuery, callback_data: PairAction, state: FSMContext,
                         i18n: I18nContext, session: AsyncSession, user: User, pair: Pair,
                         settings: Settings, clock: Clock, surveys: Surveys,
                         outbox: OutboxWorker) -> None:
    if not isinstance(query.message, Message):
        raise StaleAction
    if callback_data.act in (PairAct.ORDER, PairAct.UNTIL):
        await state.set_state(PairStates.order if callback_data.act is PairAct.ORDER
                              else PairStates.planned_end)
        await state.set_data({"pair": pair.id})
        await session.commit()
        await query.message.answer(i18n.get(f"pair-ask-{callback_data.act}"))
        return
    if not callback_data.sure:
        people = await pairs.users_by_id(session, [m.user_id for m in pair.members])
        await query.message.answer(
            i18n.get(f"pair-confirm-{callback_data.act}",
                     pair=shown(i18n, pair_title(pair, people))),
            reply_markup=InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(
                text=i18n.get(f"button-pair-{callback_data.act}-sure"),
                callback_data=PairAction(pair=pair.id, act=callback_data.act,
                                         sure=True).pack())]]))
        return
    ending = callback_data.act is PairAct.END
    cancelled = await pairs.end(session, pair, clock.now(),
                                status=pairs.PairStatus.COMPLETED if ending else
                                pairs.PairStatus.CANCELLED,
                                reason=None if ending else callback_data.act)
    people = await pairs.users_by_id(session, [m.user_id for m in pair.members])
    await tell_pair_ended(session, clock, outbox, surveys, pair, people, callback_data.act)
    for person in people.values():
        await tell_meetings_cancelled(session, clock, outbox, settings, person,
                                      [meeting.starts_at for meeting in cancelled])
    await session.commit()
    await drop_buttons(query.message)
    title = shown(i18n, pair_title(pair, people))
    if ending:
        await query.message.answer(i18n.get("pair-ended-curator", pair=title))
    elif callback_data.act is PairAct.CANCEL:
        await query.message.answer(i18n.get("pair-cancelled-curator", pair=title))
    else:
        builder = InlineKeyboardBuilder()
        for mentee in pairs.mentees_of(pair):
            builder.row(InlineKeyboardButton(
                text=i18n.get("button-match-choose-for", name=full_name(people[mentee.user_id])),
                callback_data=ChooseMentor(mentee=mentee.user_id, replacing=pair.id,
                                           form=Form(pair.form)).pack()))
        await query.message.answer(i18n.get("pair-reassign-curator", pair=title),
                                   reply_markup=builder.as_markup())


async def tell_pair_ended(session: AsyncSession, clock: Clock, outbox: OutboxWorker,
                          surveys: Surveys, pair: Pair, people: dict[int, User],
                          act: PairAct) -> None:
    """The notices a pair's end owes its chat and its members, in the update's transaction."""
    ending = act is PairAct.END
    await tell_pair_chat(session, clock, outbox, pair,
                         "pair-chat-ended" if ending else "pair-chat-cancelled",
                         pair=pair_title(pair, people))
    for joined in pair.members:
        person = people[joined.user_id]
        if ending:
            await owe(session, clock, outbox, person, "pair-ended",
                      buttons=final_surveys(surveys, person, joined.side))
        elif act is PairAct.CANCEL:
            await owe(session, clock, outbox, person, "pair-cancelled-by-curator")
        else:
            await owe(session, clock, outbox, person, "pair-reassigned")


async def tell_meetings_cancelled(session: AsyncSession, clock: Clock, outbox: OutboxWorker,
                                  settings: Settings, person: User,
                                  starts: list[datetime]) -> None:
    """A pair that ends takes its upcoming meetings with it: each member learns which, in their
    own time zone, rather than finding the list empty."""
    if starts:
        await owe(session, clock, outbox, person, "pair-meetings-cancelled", params={
            "meetings": [meetings.local_text(moment, person, settings.timezone)
                         for moment in sorted(starts)]})


def router() -> Router:
    pairs_router = Router(name="pairs")
    pairs_router.message.register(on_my_pairs, Command("pair"))
    ask_text(pairs_router, on_decline_reason, PairStates.decline_reason, MAX_REASON,
             hint="pair-reason-hint")
    pairs_router.message.register(on_order_text, PairStates.order)
    pairs_router.message.register(on_planned_end_text, PairStates.planned_end)
    pairs_router.callback_query.register(on_accept_match, AcceptMatch.filter())
    pairs_router.callback_query.register(on_choose_mentor, ChooseMentor.filter())
    pairs_router.callback_query.register(on_match_form, MatchForm.filter(), CuratedSchool())
    pairs_router.callback_query.register(on_pair_reply, PairReply.filter())
    pairs_router.callback_query.register(on_pair_action, PairAction.filter(), CuratedOpenPair())
    pairs_router.callback_query.register(on_group_pupil, GroupPupil.filter(), CuratedOpenPair())
    return pairs_router
