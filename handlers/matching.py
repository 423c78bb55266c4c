"""/match: the curator's suggestions of mentors for mentees, and a suggestion accepted: the pair
is proposed and its members are asked to agree."""

from __future__ import annotations

from typing import NamedTuple

from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.html import Markup, lines
from bot.outbox_worker import OutboxWorker
from domain import matching
from domain.roles import Form
from handlers.callbacks import (
    AcceptMatch,
    ChooseMentor,
    PairReply,
)
from handlers.outgoing import button, full_name, localized, owe
from handlers.rendering import drop_buttons
from handlers.school_context import SchoolViewTools
from models import Pair, School, User
from models.db import lock
from services import access, pairs
from services.clock import Clock
from services.errors import StaleAction
from services.profiles import Profiles

SHOWN_SUGGESTIONS = 10


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
                           school: School, tools: SchoolViewTools) -> None:
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
        reasons = lines(Markup("• {}").format(reason_text(i18n, reason, tools.profiles))
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


class Matchable(NamedTuple):
    school: School
    form: Form
    mentors: list[matching.Mentor]
    names: dict[int, str]


async def _matchable(session: AsyncSession, curator: User, mentee_id: int, replacing: int,
                     settings: Settings) -> Matchable | None:
    """A mentee this curator may pair now: in a school they curate, in the form of /match or of
    the pair being reassigned (`replacing`), a confirmed unpaired mentee of the form's role;
    with the school, the form, the mentors of the form's role there and names. None for
    anybody else (a stale or forged button)."""
    mentee = await session.get(User, mentee_id)
    if mentee is None or mentee.profile is None or mentee.profile.school_id is None:
        return None
    school_id = mentee.profile.school_id
    if not await access.may_curate(session, curator, school_id, settings.curator_ids):
        return None
    form = await pairs.form_to_match(session, mentee_id, school_id, replacing)
    if form is None:
        return None
    mentees, mentors, names = await pairs.bases(session, school_id, form)
    if mentee_id not in {m.id for m in mentees}:
        return None
    return Matchable(await session.get(School, school_id), form, mentors, names)


async def on_choose_mentor(query: CallbackQuery, callback_data: ChooseMentor, i18n: I18nContext,
                           session: AsyncSession, user: User, settings: Settings) -> None:
    found = await _matchable(session, user, callback_data.mentee, callback_data.replacing,
                             settings)
    if found is None or not isinstance(query.message, Message):
        raise StaleAction
    names = found.names
    # Somebody who mentors and is mentored too is never their own mentor.
    free = [m for m in found.mentors if m.free_slots > 0 and m.id != callback_data.mentee]
    if not free:
        await query.message.answer(i18n.get("match-no-places"))
        return
    builder = InlineKeyboardBuilder()
    for mentor in sorted(free, key=lambda m: names[m.id]):
        builder.row(InlineKeyboardButton(
            text=i18n.get("button-match-mentor", name=names[mentor.id], free=mentor.free_slots),
            callback_data=AcceptMatch(mentee=callback_data.mentee, mentor=mentor.id,
                                      replacing=callback_data.replacing).pack()))
    await query.message.answer(i18n.get("match-choose", mentee=names[callback_data.mentee]),
                               reply_markup=builder.as_markup())


async def ask_consent(session: AsyncSession, clock: Clock, worker: OutboxWorker,
                      pair: Pair) -> None:
    """Ask everybody in the pair who has not agreed yet."""
    people = await pairs.users_by_id(session, [m.user_id for m in pair.members])
    params = {
        "mentor": full_name(people[pairs.mentor_of(pair).user_id]),
        "mentees": [full_name(people[m.user_id]) for m in pairs.mentees_of(pair)],
        "count": len(pairs.mentees_of(pair)),
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
    found = await _matchable(session, user, callback_data.mentee, callback_data.replacing,
                             settings)
    mentor = next((m for m in found.mentors if m.id == callback_data.mentor != callback_data.mentee
                   and m.free_slots > 0), None) if found else None
    if found is None or mentor is None or not isinstance(query.message, Message):
        raise StaleAction
    pair = await pairs.propose(
        session, school_id=found.school.id, form=found.form, mentor_id=mentor.id,
        mentee_ids=[callback_data.mentee], created_by=user.id, now=clock.now(),
        variant=await pairs.variant_for(session, callback_data.mentee, found.form))
    await ask_consent(session, clock, outbox, pair)
    await session.commit()
    await drop_buttons(query.message)
    await query.message.answer(i18n.get("match-proposed", mentee=found.names[callback_data.mentee],
                                        mentor=found.names[mentor.id]))
