"""Pairs: /match (the curator's suggestions), mutual consent, /pair (a person's pairs),
/pairs (the curator ends or reassigns a pair; ending sends the final questionnaires)."""

from __future__ import annotations

import logging
from typing import Any
from zoneinfo import ZoneInfo

from aiogram import Bot, Router
from aiogram.filters import Command
from aiogram.fsm.context import FSMContext
from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.html import Markup, lines, shorten
from bot.outbox_worker import OutboxWorker
from domain import matching
from domain.roles import Form
from handlers.callbacks import (
    AcceptMatch,
    ChooseMentor,
    OpenSurvey,
    PairAction,
    PairCard,
    PairReply,
)
from handlers.outgoing import button, contact, full_name, localized, owe, pair_title, shown
from handlers.rendering import drop_buttons
from handlers.school_context import Desk
from handlers.states import PairStates
from models import Pair, School, User
from models.db import lock
from services import access, pairs, plans, schools
from services.clock import Clock
from services.errors import StaleAction
from services.people import roles_of
from services.profiles import Profiles
from services.surveys import Surveys

log = logging.getLogger(__name__)
SHOWN_SUGGESTIONS = 10
MAX_REASON = 1000


async def tell_pair_chat(session: AsyncSession, clock: Clock, worker: OutboxWorker,
                         bound: Pair, key: str, **params: Any) -> None:
    """A notice to the group chat bound with /link, if any."""
    if bound.chat_id is not None:
        await owe(session, clock, worker, None, key, params=params, chat_id=bound.chat_id,
                  is_group=True, about=[m.user_id for m in bound.members])


def reason_text(i18n: I18nContext, reason: matching.Reason, profiles: Profiles) -> Markup:
    params = dict(reason.params)
    if "areas" in params:
        params["areas"] = lines((i18n.get(f"area-{a}") for a in params["areas"]), ", ")
    if "subjects" in params:
        subjects = profiles.form.question("subjects")
        params["subjects"] = lines((subjects.option_text(s, i18n.locale)
                                    for s in params["subjects"]), ", ")
    return i18n.get(f"match-reason-{reason.code}", **params)


async def show_suggestions(message: Message, i18n: I18nContext, session: AsyncSession,
                           school: School, desk: Desk) -> None:
    mentees, mentors, names = await pairs.bases(session, school.id)
    if not mentees:
        await message.answer(i18n.get("match-none", school=school.name))
        return
    suggestions = matching.suggest(mentees, mentors)
    await message.answer(i18n.get(
        "match-summary", school=school.name, mentees=len(mentees),
        places=sum(m.free_slots for m in mentors), suggested=len(suggestions),
        shown=min(len(suggestions), SHOWN_SUGGESTIONS)))
    for suggestion in suggestions[:SHOWN_SUGGESTIONS]:
        reasons = lines(Markup("• {}").format(reason_text(i18n, reason, desk.profiles))
                        for reason in suggestion.reasons)
        accept = AcceptMatch(mentee=suggestion.mentee_id, mentor=suggestion.mentor_id)
        await message.answer(
            i18n.get("match-suggestion", mentee=names[suggestion.mentee_id],
                     mentor=names[suggestion.mentor_id], score=suggestion.score,
                     reasons=reasons),
            reply_markup=InlineKeyboardMarkup(inline_keyboard=[[
                InlineKeyboardButton(text=i18n.get("button-match-accept"),
                                     callback_data=accept.pack()),
                InlineKeyboardButton(text=i18n.get("button-match-choose"),
                                     callback_data=ChooseMentor(
                                         mentee=suggestion.mentee_id).pack()),
            ]]))
    unmatched = sorted({m.id for m in mentees} - {s.mentee_id for s in suggestions},
                       key=lambda user_id: names[user_id])
    if unmatched:
        builder = InlineKeyboardBuilder()
        for user_id in unmatched[:SHOWN_SUGGESTIONS]:
            builder.row(InlineKeyboardButton(
                text=i18n.get("button-match-choose-for", name=names[user_id]),
                callback_data=ChooseMentor(mentee=user_id).pack()))
        await message.answer(i18n.get("match-unmatched", count=len(unmatched),
                                      names=lines((names[i] for i in unmatched), ", ")),
                             reply_markup=builder.as_markup())


async def _matchable(session: AsyncSession, curator: User, mentee_id: int,
                     settings: Settings) -> tuple[School, list[matching.Mentor],
                                                  dict[int, str]] | None:
    """The school of a mentee this curator may pair now (a confirmed, unpaired mentee teacher of
    a school they curate), with its mentors and names; None for anybody else (a stale or forged
    button)."""
    mentee = await session.get(User, mentee_id)
    if mentee is None or mentee.profile is None or mentee.profile.school_id is None:
        return None
    school_id = mentee.profile.school_id
    if not await access.may_curate(session, curator, school_id, settings.curator_ids):
        return None
    mentees, mentors, names = await pairs.bases(session, school_id)
    if mentee_id not in {m.id for m in mentees}:
        return None
    return await session.get(School, school_id), mentors, names


async def on_choose_mentor(query: CallbackQuery, callback_data: ChooseMentor, i18n: I18nContext,
                           session: AsyncSession, user: User, settings: Settings) -> None:
    found = await _matchable(session, user, callback_data.mentee, settings)
    if found is None or not isinstance(query.message, Message):
        raise StaleAction
    await query.answer()
    _, mentors, names = found
    # Somebody who mentors and is mentored too is never their own mentor.
    free = [m for m in mentors if m.free_slots > 0 and m.id != callback_data.mentee]
    if not free:
        await query.message.answer(i18n.get("match-no-places"))
        return
    builder = InlineKeyboardBuilder()
    for mentor in sorted(free, key=lambda m: names[m.id]):
        builder.row(InlineKeyboardButton(
            text=i18n.get("button-match-mentor", name=names[mentor.id], free=mentor.free_slots),
            callback_data=AcceptMatch(mentee=callback_data.mentee, mentor=mentor.id).pack()))
    await query.message.answer(i18n.get("match-choose", mentee=names[callback_data.mentee]),
                               reply_markup=builder.as_markup())


async def ask_consent(session: AsyncSession, clock: Clock, worker: OutboxWorker,
                      pair: Pair) -> None:
    """Ask everybody in the pair who has not agreed yet."""
    people = await pairs.users_by_id(session, [m.user_id for m in pair.members])
    params = {
        "mentor": full_name(people[pairs.mentor_of(pair).user_id]),
        "mentees": [full_name(people[m.user_id]) for m in pairs.mentees_of(pair)],
        "form": localized(f"form-{pair.form}"),
        "variant": localized(f"variant-{pair.variant}") if pair.variant else "—",
    }
    buttons = [[button("button-pair-agree", PairReply(pair=pair.id, agree=True).pack()),
                button("button-pair-decline", PairReply(pair=pair.id, agree=False).pack())]]
    for joined in pair.members:
        if joined.consent is None:
            await owe(session, clock, worker, people[joined.user_id], "pair-proposed",
                      params=params, buttons=buttons, kind="pair-consent", about=people)


async def on_accept_match(query: CallbackQuery, callback_data: AcceptMatch, i18n: I18nContext,
                          session: AsyncSession, user: User, settings: Settings, clock: Clock,
                          outbox: OutboxWorker) -> None:
    # Two curators (or one, twice) accepting for the same mentee, or the same mentor's last
    # place, at once: the second waits for the first and finds the mentee paired or the place
    # taken.
    await lock(session, User, callback_data.mentee)
    await lock(session, User, callback_data.mentor)
    school, mentors, names = await _matchable(session, user, callback_data.mentee, settings) \
        or (None, [], {})
    mentor = next((m for m in mentors if m.id == callback_data.mentor != callback_data.mentee
                   and m.free_slots > 0), None)
    if school is None or mentor is None or not isinstance(query.message, Message):
        raise StaleAction
    pair = await pairs.propose(
        session, school_id=school.id, form=Form.TEACHER_TEACHER, mentor_id=mentor.id,
        mentee_ids=[callback_data.mentee], created_by=user.id, now=clock.now(),
        variant=await pairs.variant_for(session, callback_data.mentee))
    await ask_consent(session, clock, outbox, pair)
    await session.commit()
    await query.answer()
    await drop_buttons(query.message)
    await query.message.answer(i18n.get("match-proposed", mentee=names[callback_data.mentee],
                                        mentor=names[mentor.id]))


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
                               now.astimezone(ZoneInfo(settings.timezone)).date())
    people = await pairs.users_by_id(session, [m.user_id for m in pair.members])
    curators = await curators_to_tell(session, pair, settings)
    title = pair_title(pair, people)
    await tell_pair_reply(query, bot, state, i18n, session, user, settings, clock, outbox, pair,
                          people, curators, title, callback_data.agree)
    await query.answer()
    if isinstance(query.message, Message):
        await drop_buttons(query.message)
    if not callback_data.agree:
        await bot.send_message(user.telegram_id, i18n.get("pair-declined-ask-reason"))
    elif pair.status != pairs.PairStatus.ACTIVE:
        await bot.send_message(user.telegram_id, i18n.get("pair-waiting"))


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
        await owe(session, clock, outbox, joined, "pair-started", params={
            "partners": [localized("pair-partner", name=full_name(p), contact=contact(p))
                         if await access.may_see_contact(session, joined, p, settings.curator_ids)
                         else full_name(p) for p in partners],
            "end": pair.planned_end.strftime("%d.%m.%Y")}, about=[p.id for p in partners])
    # Pairs the pupils formed themselves come with a button to cancel them.
    cancel = [[button("button-pair-cancel", PairAction(pair=pair.id, act="cancel").pack())]]
    for curator in curators:
        await owe(session, clock, outbox, curator, "pair-started-curator",
                  params={"pair": title, "form": localized(f"form-{pair.form}")},
                  buttons=cancel if pair.form == Form.PUPIL_PUPIL else None, about=people)
    await session.commit()


async def on_decline_reason(message: Message, state: FSMContext, i18n: I18nContext,
                            session: AsyncSession, user: User, settings: Settings, clock: Clock,
                            outbox: OutboxWorker) -> None:
    if not message.text or message.text.startswith("/"):
        await message.answer(i18n.get("pair-reason-hint"))
        return
    if len(message.text) > MAX_REASON:
        await message.answer(i18n.get("error-too-long", limit=MAX_REASON,
                                      length=len(message.text)))
        return
    data = await state.get_data()
    await state.clear()
    pair = await pairs.note_decline_reason(session, int(data.get("pair", 0)), user,
                                           message.text.strip())
    if pair is None:
        await session.commit()
        await message.answer(i18n.get("error-stale"))
        return
    people = await pairs.users_by_id(session, [m.user_id for m in pair.members])
    for curator in await curators_to_tell(session, pair, settings):
        await owe(session, clock, outbox, curator, "pair-decline-reason-curator", params={
            "name": full_name(user), "pair": pair_title(pair, people),
            "reason": message.text.strip()}, about=people)
    await session.commit()
    await message.answer(i18n.get("pair-reason-sent"))


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
            facts.append(shown(i18n, contact(partner)))
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
                            school: School, desk: Desk | None = None) -> None:
    current = await pairs.school_pairs(session, school.id)
    if not current:
        await message.answer(i18n.get("school-pairs-none", school=school.name))
        return
    people = await pairs.users_by_id(session, {m.user_id for p in current for m in p.members})
    for pair in current[:30]:
        def button(act: str, pair_id: int = pair.id) -> InlineKeyboardButton:
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
                [button("end"), button("reassign")], [button("order"), button("until")],
                [InlineKeyboardButton(text=i18n.get("button-pair-card"),
                                      callback_data=PairCard(pair=pair.id).pack())]]))


def final_surveys(surveys: Surveys, person: User, side: str) -> list[list[dict[str, Any]]]:
    """Buttons for the questionnaires that close a pair: satisfaction for all, the re-diagnosis
    for mentees."""
    kinds = {"satisfaction", "diagnosis"} if side == pairs.MENTEE else {"satisfaction"}
    return [[button("button-survey-start", OpenSurvey(code=q.id, again=True).pack(),
                    title=q.title.model_dump())]
            for q, _ in surveys.open_to(person) if q.kind in kinds]


async def on_pair_action(query: CallbackQuery, callback_data: PairAction, state: FSMContext,
                         i18n: I18nContext, session: AsyncSession, user: User,
                         settings: Settings, clock: Clock, surveys: Surveys,
                         outbox: OutboxWorker) -> None:
    pair = await session.get(Pair, callback_data.pair)
    allowed = pair is not None and pair.status in pairs.OPEN and callback_data.act in (
        "end", "reassign", "cancel", "order", "until") and \
        await access.may_curate(session, user, pair.school_id, settings.curator_ids)
    if not allowed or not isinstance(query.message, Message):
        raise StaleAction
    if callback_data.act in ("order", "until"):
        await state.set_state(PairStates.order if callback_data.act == "order"
                              else PairStates.planned_end)
        await state.set_data({"pair": pair.id})
        await session.commit()
        await query.answer()
        await query.message.answer(i18n.get(f"pair-ask-{callback_data.act}"))
        return
    if not callback_data.sure:
        await query.answer()
        people = await pairs.users_by_id(session, [m.user_id for m in pair.members])
        await query.message.answer(
            i18n.get(f"pair-confirm-{callback_data.act}",
                     pair=shown(i18n, pair_title(pair, people))),
            reply_markup=InlineKeyboardMarkup(inline_keyboard=[[InlineKeyboardButton(
                text=i18n.get(f"button-pair-{callback_data.act}-sure"),
                callback_data=PairAction(pair=pair.id, act=callback_data.act,
                                         sure=True).pack())]]))
        return
    ending = callback_data.act == "end"
    await pairs.end(session, pair, clock.now(),
                    status=pairs.PairStatus.COMPLETED if ending else
                    pairs.PairStatus.CANCELLED,
                    reason=None if ending else callback_data.act)
    people = await pairs.users_by_id(session, [m.user_id for m in pair.members])
    await tell_pair_ended(session, clock, outbox, surveys, pair, people, callback_data.act)
    await session.commit()
    await query.answer()
    await drop_buttons(query.message)
    title = shown(i18n, pair_title(pair, people))
    if ending:
        await query.message.answer(i18n.get("pair-ended-curator", pair=title))
    elif callback_data.act == "cancel":
        await query.message.answer(i18n.get("pair-cancelled-curator", pair=title))
    else:
        builder = InlineKeyboardBuilder()
        for mentee in pairs.mentees_of(pair):
            builder.row(InlineKeyboardButton(
                text=i18n.get("button-match-choose-for", name=full_name(people[mentee.user_id])),
                callback_data=ChooseMentor(mentee=mentee.user_id).pack()))
        await query.message.answer(i18n.get("pair-reassign-curator", pair=title),
                                   reply_markup=builder.as_markup())


async def tell_pair_ended(session: AsyncSession, clock: Clock, outbox: OutboxWorker,
                          surveys: Surveys, pair: Pair, people: dict[int, User], act: str) -> None:
    """The notices a pair's end owes its chat and its members, in the update's transaction."""
    ending = act == "end"
    await tell_pair_chat(session, clock, outbox, pair,
                         "pair-chat-ended" if ending else "pair-chat-cancelled",
                         pair=pair_title(pair, people))
    for joined in pair.members:
        person = people[joined.user_id]
        if ending:
            await owe(session, clock, outbox, person, "pair-ended",
                      buttons=final_surveys(surveys, person, joined.side))
        elif act == "cancel":
            await owe(session, clock, outbox, person, "pair-cancelled-by-curator")
        else:
            await owe(session, clock, outbox, person, "pair-reassigned")


def router() -> Router:
    pairs_router = Router(name="pairs")
    pairs_router.message.register(on_my_pairs, Command("pair"))
    pairs_router.message.register(on_decline_reason, PairStates.decline_reason)
    pairs_router.message.register(on_order_text, PairStates.order)
    pairs_router.message.register(on_planned_end_text, PairStates.planned_end)
    pairs_router.callback_query.register(on_accept_match, AcceptMatch.filter())
    pairs_router.callback_query.register(on_choose_mentor, ChooseMentor.filter())
    pairs_router.callback_query.register(on_pair_reply, PairReply.filter())
    pairs_router.callback_query.register(on_pair_action, PairAction.filter())
    return pairs_router

