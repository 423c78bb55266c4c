"""Drill-down from the curator's views: one pair (plan, meetings, questionnaires, diagnosis
before and after) and one person (roles, profile, questionnaires, pairs), and a mentee's
before/after chart. Curators see their schools, a mentor their own pairs, a mentee their own
progress."""

from __future__ import annotations

import asyncio
from zoneinfo import ZoneInfo

from aiogram import Router
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.html import Markup, lines, shorten
from domain.questionnaire import Question
from handlers.access_filters import PersonAllowed
from handlers.callbacks import (
    EditMentorDetail,
    MentorDetail,
    PairCard,
    PersonCard,
    ProgressChart,
)
from handlers.mentor_details import current
from handlers.outgoing import contact, full_name, pair_title, shown
from handlers.plan import item_text
from handlers.rendering import describe, plain_text
from models import Pair, User
from services import access, charts, dossiers, meetings, pairs, reports
from services.clock import Clock
from services.errors import StaleAction
from services.people import roles_of
from services.profiles import Profiles
from services.surveys import Surveys

RECENT_MEETINGS = 8
DIAGNOSIS_SCALE = 3


def _day(value) -> str:
    return value.strftime("%d.%m.%Y") if value else "—"


def _progress_lines(i18n: I18nContext, who: str, progress: dossiers.Progress) -> list[Markup]:
    if not progress.taken:
        return [i18n.get("card-progress-none", name=who)]
    found = [i18n.get("card-progress", name=who, before=reports.difficulty(progress.first),
                      after=reports.difficulty(progress.last) if progress.taken > 1 else "—")]
    if progress.taken > 1:
        found += [Markup("  {}: {} → {}").format(i18n.get(f"area-{area}"),
                                                 progress.first.get(area, "—"),
                                                 progress.last.get(area, "—"))
                  for area in progress.areas
                  if progress.first.get(area) != progress.last.get(area)]
    return found


def pair_card(i18n: I18nContext, dossier: dossiers.PairDossier, surveys: Surveys,
              clock: Clock, zone: ZoneInfo, *, notes: bool, variant: bool) -> Markup:
    """`notes`, `variant`: whether the viewer may read the mentor's notes and see the pair's
    variant (services.access)."""
    pair, now = dossier.pair, clock.now()
    card = [i18n.get("card-pair-title", pair=shown(i18n, pair_title(pair, dossier.people)),
                     status=i18n.get(f"pair-status-{pair.status}")),
            i18n.get("card-pair-facts", school=dossier.school.name,
                     form=i18n.get(f"form-{pair.form}"),
                     variant=i18n.get(f"variant-{pair.variant}") if pair.variant and variant
                     else "—",
                     start=_day(pair.started_on), end=_day(pair.planned_end),
                     order=pair.order_number or "—")]
    for member in pair.members:
        card.append(i18n.get(f"card-consent-{member.consent or 'waiting'}",
                             name=full_name(dossier.people.get(member.user_id))))
    done = sum(1 for item in pair.plan if item.done_at)
    card.append(i18n.get("card-plan", done=done, total=len(pair.plan)))
    card += [item_text(i18n, number, item)
             for number, item in enumerate(pair.plan[:15], start=1)]
    held, upcoming = dossier.held(now), dossier.upcoming(now)
    missed = sum(1 for m in dossier.meetings if m.held is False)
    card.append(i18n.get("card-meetings", held=len(held), upcoming=len(upcoming),
                         missed=missed, unknown=len(dossier.unknown(now))))
    by_id = {m.id: m for m in dossier.meetings}
    for meeting in [m for m in dossier.meetings if m.starts_at < now][-RECENT_MEETINGS:]:
        mark = {True: "✓", False: "✗", None: "·"}[meeting.held]
        facts = [Markup("{} {:%d.%m %H:%M}–{:%H:%M} — {}").format(
            mark, meeting.starts_at.astimezone(zone),
            meetings.ends_at(meeting).astimezone(zone), meeting.topic[:60])]
        if (original := by_id.get(meeting.counter_to_id)) is not None:
            facts.append(i18n.get("meeting-counter-to",
                                  when=f"{original.starts_at.astimezone(zone):%d.%m %H:%M}"))
        if meeting.mentee_rating:
            facts.append(i18n.get("card-rating", rating=meeting.mentee_rating))
        if meeting.mentor_note and notes:
            facts.append(Markup("«{}»").format(meeting.mentor_note[:100]))
        card.append(lines(facts, " · "))
    card.append(i18n.get("card-diagnosis"))
    for member in pairs.mentees_of(pair):
        card += _progress_lines(i18n, full_name(dossier.people.get(member.user_id)),
                                dossier.progress.get(member.user_id, dossiers.Progress()))
    finished = []
    for code, people in dossier.questionnaires.items():
        questionnaire = surveys.catalog.get(code)
        if questionnaire is None or questionnaire.kind != "satisfaction":
            continue
        finished += [Markup("{}: {}").format(full_name(dossier.people.get(user_id)),
                                             _day(completed))
                     for user_id, completed in people.items() if completed]
    card.append(i18n.get("card-satisfaction", done=lines(finished, "; ") or "—"))
    return lines(card)


async def on_pair_card(query: CallbackQuery, callback_data: PairCard, i18n: I18nContext,
                       session: AsyncSession, user: User, settings: Settings, clock: Clock,
                       surveys: Surveys) -> None:
    pair = await session.get(Pair, callback_data.pair)
    if not isinstance(query.message, Message) or not await access.may_see_pair(
            session, user, pair, settings.curator_ids):
        raise StaleAction
    dossier = await dossiers.pair_dossier(session, pair)
    builder = InlineKeyboardBuilder()
    curator = await access.may_curate(session, user, pair.school_id, settings.curator_ids)
    for member in pair.members:
        who = full_name(dossier.people.get(member.user_id))
        if curator:
            builder.button(text=Markup("👤 {}").format(who),
                           callback_data=PersonCard(user=member.user_id))
        if member.side == pairs.MENTEE and dossier.progress[member.user_id].taken:
            builder.button(text=i18n.get("card-button-progress", name=who),
                           callback_data=ProgressChart(user=member.user_id))
    builder.adjust(1)
    notes = await access.may_read_notes(session, user, pair, settings.curator_ids)
    await query.message.answer(
        pair_card(i18n, dossier, surveys, clock, ZoneInfo(settings.timezone), notes=notes,
                  variant=access.may_see_variant(pair, user.id)),
        reply_markup=builder.as_markup())


def person_card(i18n: I18nContext, dossier: dossiers.PersonDossier, statuses: list,
                subjects: Question | None, reader: User, *,
                mentor_details: bool = False) -> Markup:
    """`mentor_details`: a teacher mentor's position and key competences, for a curator who
    may fill them in (services.access.may_describe_mentor)."""
    person = dossier.person
    profile = person.profile
    card = [Markup("<b>{}</b>").format(full_name(person))]
    for role in person.roles:
        school = dossier.schools.get(role.school_id)
        card.append(i18n.get(
            "card-role", role=i18n.get(f"role-{role.role}"), form=i18n.get(f"form-{role.form}"),
            school=school.name if school else "—",
            confirmed=_day(role.confirmed_at) if role.confirmed_at
            else i18n.get("card-unconfirmed")))
    if profile is not None:
        facts = []
        if profile.experience_years is not None:
            facts.append(i18n.get("card-experience", years=profile.experience_years))
        if profile.grade is not None:
            facts.append(i18n.get("card-grade", grade=profile.grade))
        if profile.subjects and subjects is not None:
            facts.append(describe(i18n, subjects, profile.subjects))
        if facts:
            card.append(lines(facts, " · "))
    if mentor_details:
        card += [i18n.get(f"card-mentor-{detail.value}", text=current(person, detail))
                 for detail in MentorDetail]
    card.append(i18n.get("card-contact", contact=shown(i18n, contact(person, reader))
                         if person.username else "—"))
    if person.unreachable_at:
        card.append(i18n.get("card-unreachable", date=_day(person.unreachable_at)))
    card.append(i18n.get("card-questionnaires"))
    for status in statuses:
        card.append(i18n.get(f"card-survey-{status.status.value}",
                             title=status.questionnaire.title.get(i18n.locale),
                             date=_day(status.completed_at)))
    card.append(i18n.get("card-pairs", count=len(dossier.pairs)))
    return lines(card)


async def on_person_card(query: CallbackQuery, person: User, i18n: I18nContext,
                         session: AsyncSession, user: User, settings: Settings,
                         surveys: Surveys, profiles: Profiles) -> None:
    if not isinstance(query.message, Message):
        raise StaleAction
    dossier = await dossiers.person_dossier(session, person)
    dossier.pairs = await access.pairs_curated_by(session, user, dossier.pairs,
                                                  settings.curator_ids)
    builder = InlineKeyboardBuilder()
    for pair in dossier.pairs[:10]:
        builder.button(text=shorten(i18n.get(
            "card-button-pair", pair=shown(i18n, pair_title(pair, dossier.partners)),
            status=i18n.get(f"pair-status-{pair.status}")), 64),
            callback_data=PairCard(pair=pair.id))
    if dossier.progress.taken:
        builder.button(text=i18n.get("card-button-progress", name=full_name(person)),
                       callback_data=ProgressChart(user=person.id))
    describes = await access.may_describe_mentor(session, user, person.id, settings.curator_ids)
    if describes:
        for detail in MentorDetail:
            builder.button(text=i18n.get(f"card-button-mentor-{detail.value}"),
                           callback_data=EditMentorDetail(user=person.id, detail=detail))
    builder.adjust(1)
    statuses = await surveys.statuses(session, person) if roles_of(person) else []
    subjects = next((q for q in profiles.form.questions if q.id == "subjects"), None)
    await query.message.answer(person_card(i18n, dossier, statuses, subjects, user,
                                           mentor_details=describes),
                               reply_markup=builder.as_markup())


async def on_progress_chart(query: CallbackQuery, person: User, i18n: I18nContext,
                            session: AsyncSession) -> None:
    if not isinstance(query.message, Message):
        raise StaleAction
    progress = await dossiers.progress(session, person.id)
    if not progress.taken:
        await query.answer(i18n.get("card-progress-none", name=full_name(person)),
                           show_alert=True)
        return
    await query.answer(i18n.get("chart-drawing"))
    areas = [(plain_text(i18n, f"area-{area}"), progress.first.get(area),
              progress.last.get(area) if progress.taken > 1 else None)
             for area in progress.areas]
    png = await asyncio.to_thread(
        charts.before_after, plain_text(i18n, "chart-progress-title", name=full_name(person)),
        areas, plain_text(i18n, "chart-before"), plain_text(i18n, "chart-after"),
        plain_text(i18n, "chart-difficulty-axis"), DIAGNOSIS_SCALE,
        plain_text(i18n, "chart-empty"))
    await query.message.answer_photo(BufferedInputFile(png, filename="progress.png"),
                                     caption=i18n.get("chart-progress-title",
                                                      name=full_name(person)))


def router() -> Router:
    cards = Router(name="cards")
    cards.callback_query.register(on_pair_card, PairCard.filter())
    cards.callback_query.register(on_person_card, PersonCard.filter(),
                                  PersonAllowed(access.curates_person))
    cards.callback_query.register(on_progress_chart, ProgressChart.filter(),
                                  PersonAllowed(access.may_see_progress))
    return cards
