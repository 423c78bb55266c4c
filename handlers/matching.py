"""/match: the curator's suggestions of mentors for mentees, and a suggestion accepted: the pair
is proposed and its members are asked to agree."""

from __future__ import annotations

from typing import Any, NamedTuple

from aiogram.types import CallbackQuery, InlineKeyboardButton, InlineKeyboardMarkup, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.html import Markup, lines
from bot.outbox_worker import OutboxWorker
from domain import matching
from domain.roles import TEACHER_PUPIL_VARIANTS, Form
from handlers.callbacks import (
    AcceptMatch,
    ChooseMentor,
    MatchForm,
    PairReply,
)
from handlers.outgoing import button, full_name, localized, owe
from handlers.rendering import drop_buttons
from handlers.school_context import SchoolViewTools
from models import Pair, School, User
from models.db import lock
from services import access, pairing, pairs
from services.clock import Clock
from services.errors import StaleAction
from services.profiles import Profiles

SHOWN_SUGGESTIONS = 10


def reason_text(i18n: I18nContext, reason: matching.Reason, profiles: Profiles) -> Markup:
    params = dict(reason.params)
    if "areas" in params:
        params["areas"] = lines((i18n.get(f"area-{a}") for a in params["areas"]), ", ")
    # Subjects and a pupil's requests are profile options: their labels are in the profile file.
    for param, question_id in (("subjects", "subjects"), ("requests", "help_wanted")):
        if param in params:
            question = profiles.form.question(question_id)
            params[param] = lines((question.option_text(value, i18n.locale)
                                   for value in params[param]), ", ")
    return i18n.get(f"match-reason-{reason.code}", **params)


async def show_suggestions(message: Message, i18n: I18nContext, session: AsyncSession,
                           school: School, tools: SchoolViewTools) -> None:
    """/match: the suggestions in the one form the school has people for, or first the choice
    of form when it has people for several."""
    forms = await pairing.forms_to_offer(session, school.id)
    if len(forms) > 1:
        builder = InlineKeyboardBuilder()
        for form in forms:
            builder.row(InlineKeyboardButton(
                text=i18n.get(f"form-{form}"),
                callback_data=MatchForm(school_id=school.id, form=form).pack()))
        await message.answer(i18n.get("match-pick-form", school=school.name),
                             reply_markup=builder.as_markup())
        return
    await show_form_suggestions(message, i18n, session, school, tools.profiles,
                                forms[0] if forms else Form.TEACHER_TEACHER)


async def on_match_form(query: CallbackQuery, callback_data: MatchForm, i18n: I18nContext,
                        session: AsyncSession, school: School, profiles: Profiles) -> None:
    if callback_data.form not in await pairing.forms_to_offer(session, school.id) \
            or not isinstance(query.message, Message):
        raise StaleAction
    await show_form_suggestions(query.message, i18n, session, school, profiles,
                                callback_data.form)


async def show_form_suggestions(message: Message, i18n: I18nContext, session: AsyncSession,
                                school: School, profiles: Profiles, form: Form) -> None:
    mentees, mentors, names = await pairing.bases(session, school.id, form)
    if not mentees:
        await message.answer(i18n.get("match-none", school=school.name))
        return
    suggestions = pairing.suggest(session, form, profiles.form.pupil_matching, mentees, mentors)
    await message.answer(i18n.get(
        "match-summary", school=school.name, form=i18n.get(f"form-{form}"),
        mentees=len(mentees), places=sum(m.free_slots for m in mentors),
        suggested=len(suggestions), shown=min(len(suggestions), SHOWN_SUGGESTIONS)))
    for suggestion in suggestions[:SHOWN_SUGGESTIONS]:
        reasons = lines(Markup("• {}").format(reason_text(i18n, reason, profiles))
                        for reason in suggestion.reasons)
        accept = AcceptMatch(mentee=suggestion.mentee_id, mentor=suggestion.mentor_id, form=form)
        await message.answer(
            i18n.get("match-suggestion", mentee=names[suggestion.mentee_id],
                     mentor=names[suggestion.mentor_id], score=suggestion.score,
                     reasons=reasons),
            reply_markup=InlineKeyboardMarkup(inline_keyboard=[[
                InlineKeyboardButton(text=i18n.get("button-match-accept"),
                                     callback_data=accept.pack()),
                InlineKeyboardButton(text=i18n.get("button-match-choose"),
                                     callback_data=ChooseMentor(
                                         mentee=suggestion.mentee_id, form=form).pack()),
            ]]))
    unmatched = sorted({m.id for m in mentees} - {s.mentee_id for s in suggestions},
                       key=lambda user_id: names[user_id])
    if unmatched:
        builder = InlineKeyboardBuilder()
        for user_id in unmatched[:SHOWN_SUGGESTIONS]:
            builder.row(InlineKeyboardButton(
                text=i18n.get("button-match-choose-for", name=names[user_id]),
                callback_data=ChooseMentor(mentee=user_id, form=form).pack()))
        await message.answer(i18n.get("match-unmatched", count=len(unmatched),
                                      names=lines((names[i] for i in unmatched), ", ")),
                             reply_markup=builder.as_markup())


class Matchable(NamedTuple):
    school: School
    form: Form
    mentee: Any
    mentors: list[Any]
    names: dict[int, str]


async def _matchable(session: AsyncSession, curator: User, mentee_id: int, form: Form,
                     replacing: int, settings: Settings) -> Matchable | None:
    """A mentee this curator may pair now: in a school they curate, in a form /match offers
    there or in the form of the pair being reassigned (`replacing`), a confirmed mentee of the
    form's role not in an open pair of the form; with the school, the form, the mentors of the
    form's role there and names. None for anybody else (a stale or forged button)."""
    mentee = await session.get(User, mentee_id)
    if mentee is None or mentee.profile is None or mentee.profile.school_id is None:
        return None
    school_id = mentee.profile.school_id
    if not await access.may_curate(session, curator, school_id, settings.curator_ids):
        return None
    if await pairing.form_to_match(session, mentee_id, school_id, form, replacing) is None:
        return None
    mentees, mentors, names = await pairing.bases(session, school_id, form)
    found = next((m for m in mentees if m.id == mentee_id), None)
    if found is None:
        return None
    return Matchable(await session.get(School, school_id), form, found, mentors, names)


async def on_choose_mentor(query: CallbackQuery, callback_data: ChooseMentor, i18n: I18nContext,
                           session: AsyncSession, user: User, settings: Settings) -> None:
    found = await _matchable(session, user, callback_data.mentee, callback_data.form,
                             callback_data.replacing, settings)
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
                                      replacing=callback_data.replacing,
                                      form=callback_data.form).pack()))
    await query.message.answer(i18n.get("match-choose", mentee=names[callback_data.mentee]),
                               reply_markup=builder.as_markup())


async def _ask_variant(message: Message, i18n: I18nContext, session: AsyncSession,
                       callback_data: AcceptMatch, found: Matchable, profiles: Profiles) -> None:
    """The variants of «учитель – ученик» to choose from, the usual one first."""
    usual = await pairing.usual_variant(session, profiles.form.pupil_matching, found.mentee,
                                        callback_data.replacing)
    builder = InlineKeyboardBuilder()
    for variant in sorted(TEACHER_PUPIL_VARIANTS, key=lambda v: v != usual):
        label = i18n.get(f"variant-{variant}")
        builder.row(InlineKeyboardButton(
            text=i18n.get("button-match-variant-usual", variant=label) if variant == usual
            else label,
            callback_data=callback_data.model_copy(update={"variant": variant}).pack()))
    await message.answer(
        i18n.get("match-pick-variant", mentee=found.names[callback_data.mentee],
                 mentor=found.names[callback_data.mentor],
                 usual=i18n.get(f"variant-{usual}") if usual else "none"),
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
    revision = pairs.revision(pair)
    buttons = [[button(f"button-pair-{answer}",
                       PairReply(pair=pair.id, agree=agree, revision=revision).pack())
                for answer, agree in (("agree", True), ("decline", False))]]
    for joined in pair.members:
        if joined.consent is None:
            # A pupil is not told the variant (nor, in a group, the others' by it).
            key = "pair-proposed" if access.may_see_variant(pair, joined.user_id) \
                else "pair-proposed-pupil"
            await owe(session, clock, worker, people[joined.user_id], key,
                      params=params, buttons=buttons, kind="pair-consent", about=people)


async def on_accept_match(query: CallbackQuery, callback_data: AcceptMatch, i18n: I18nContext,
                          session: AsyncSession, user: User, settings: Settings, clock: Clock,
                          outbox: OutboxWorker, profiles: Profiles) -> None:
    # Two curators (or one, twice) accepting for the same mentee, or the same mentor's last
    # place, at once: the second waits for the first and finds the mentee paired or the place
    # taken.
    await lock(session, User, callback_data.mentee)
    await lock(session, User, callback_data.mentor)
    found = await _matchable(session, user, callback_data.mentee, callback_data.form,
                             callback_data.replacing, settings)
    mentor = next((m for m in found.mentors if m.id == callback_data.mentor != callback_data.mentee
                   and m.free_slots > 0), None) if found else None
    if found is None or mentor is None or not isinstance(query.message, Message):
        raise StaleAction
    if found.form is Form.TEACHER_PUPIL:
        if callback_data.variant is None:
            await _ask_variant(query.message, i18n, session, callback_data, found, profiles)
            return
        if callback_data.variant not in TEACHER_PUPIL_VARIANTS:
            raise StaleAction
        variant = callback_data.variant.value
    elif callback_data.variant is not None:
        raise StaleAction
    else:
        variant = await pairs.variant_for(session, callback_data.mentee, found.form)
    pair = await pairs.propose(
        session, school_id=found.school.id, form=found.form, mentor_id=mentor.id,
        mentee_ids=[callback_data.mentee], created_by=user.id, now=clock.now(), variant=variant)
    await ask_consent(session, clock, outbox, pair)
    await session.commit()
    await drop_buttons(query.message)
    await query.message.answer(i18n.get("match-proposed", mentee=found.names[callback_data.mentee],
                                        mentor=found.names[mentor.id]))
