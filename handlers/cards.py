"""Drill-down from the desk: one pair (plan, meetings, questionnaires, diagnosis before and
after) and one person (roles, profile, questionnaires, pairs), and a mentee's before/after
chart. Curators see their schools, a mentor their own pairs, a mentee their own progress."""

from __future__ import annotations

import asyncio
from html import escape
from zoneinfo import ZoneInfo

from aiogram import Router
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from domain.matching import AREAS
from domain.questionnaire import Question
from handlers.callbacks import PairCard, PersonCard, ProgressChart
from handlers.pairs import name_of, pair_title
from handlers.plan import item_text
from handlers.rendering import describe
from models import Pair, User
from services import access, charts, dossiers, pairs, reports, schools
from services.clock import Clock
from services.people import roles_of
from services.profiles import Profiles
from services.surveys import Surveys

RECENT_MEETINGS = 8
DIAGNOSIS_SCALE = 3


def _day(value) -> str:
    return value.strftime("%d.%m.%Y") if value else "—"


def _progress_lines(i18n: I18nContext, name: str, progress: dossiers.Progress) -> list[str]:
    if not progress.taken:
        return [i18n.get("card-progress-none", name=name)]
    lines = [i18n.get("card-progress", name=name, before=reports.difficulty(progress.first),
                      after=reports.difficulty(progress.last) if progress.taken > 1 else "—")]
    if progress.taken > 1:
        lines += [f"  {i18n.get(f'area-{area}')}: {progress.first.get(area, '—')} → "
                  f"{progress.last.get(area, '—')}" for area in AREAS
                  if progress.first.get(area) != progress.last.get(area)]
    return lines


def pair_card(i18n: I18nContext, dossier: dossiers.PairDossier, surveys: Surveys,
              clock: Clock, zone: ZoneInfo) -> str:
    pair, now = dossier.pair, clock.now()
    lines = [i18n.get("card-pair-title", pair=pair_title(pair, dossier.people),
                      status=i18n.get(f"pair-status-{pair.status}")),
             i18n.get("card-pair-facts", school=escape(dossier.school.name),
                      form=i18n.get(f"form-{pair.form}"),
                      variant=i18n.get(f"variant-{pair.variant}") if pair.variant else "—",
                      start=_day(pair.started_on), end=_day(pair.planned_end),
                      order=escape(pair.order_number or "—"))]
    for member in pair.members:
        lines.append(i18n.get(f"card-consent-{member.consent or 'waiting'}",
                              name=name_of(dossier.people.get(member.user_id))))
    done = sum(1 for item in pair.plan if item.done_at)
    lines.append(i18n.get("card-plan", done=done, total=len(pair.plan)))
    lines += [item_text(i18n, number, item)
              for number, item in enumerate(pair.plan[:15], start=1)]
    held, upcoming = dossier.held(now), dossier.upcoming(now)
    missed = sum(1 for m in dossier.meetings if m.held is False)
    lines.append(i18n.get("card-meetings", held=len(held), upcoming=len(upcoming),
                          missed=missed))
    for meeting in [m for m in dossier.meetings if m.starts_at < now][-RECENT_MEETINGS:]:
        mark = {True: "✓", False: "✗", None: "·"}[meeting.held]
        extra = ""
        if meeting.mentee_rating:
            extra += " · " + i18n.get("card-rating", rating=meeting.mentee_rating)
        if meeting.mentor_note:
            extra += " · «" + escape(meeting.mentor_note[:100]) + "»"
        lines.append(f"{mark} {meeting.starts_at.astimezone(zone):%d.%m %H:%M} — "
                     f"{escape(meeting.topic[:60])}{extra}")
    lines.append(i18n.get("card-diagnosis"))
    for member in pairs.mentees_of(pair):
        lines += _progress_lines(i18n, name_of(dossier.people.get(member.user_id)),
                                 dossier.progress.get(member.user_id, dossiers.Progress()))
    finished = []
    for code, people in dossier.questionnaires.items():
        questionnaire = surveys.catalog.get(code)
        if questionnaire is None or questionnaire.kind != "satisfaction":
            continue
        finished += [f"{name_of(dossier.people.get(user_id))}: {_day(completed)}"
                     for user_id, completed in people.items() if completed]
    lines.append(i18n.get("card-satisfaction", done="; ".join(finished) or "—"))
    return "\n".join(lines)


async def on_pair_card(query: CallbackQuery, callback_data: PairCard, i18n: I18nContext,
                       session: AsyncSession, user: User, settings: Settings, clock: Clock,
                       surveys: Surveys) -> None:
    pair = await session.get(Pair, callback_data.pair)
    if not isinstance(query.message, Message) or not await access.may_see_pair(
            session, user, pair, settings.curator_ids):
        await query.answer(i18n.get("error-stale"), show_alert=True)
        return
    await query.answer()
    dossier = await dossiers.pair_dossier(session, pair)
    builder = InlineKeyboardBuilder()
    curator = await schools.curates(session, user, pair.school_id, settings.curator_ids)
    for member in pair.members:
        name = name_of(dossier.people.get(member.user_id))
        if curator:
            builder.button(text=f"👤 {name}", callback_data=PersonCard(user=member.user_id))
        if member.side == pairs.MENTEE and dossier.progress[member.user_id].taken:
            builder.button(text=i18n.get("card-button-progress", name=name),
                           callback_data=ProgressChart(user=member.user_id))
    builder.adjust(1)
    await query.message.answer(
        pair_card(i18n, dossier, surveys, clock, ZoneInfo(settings.timezone)),
        reply_markup=builder.as_markup())


def person_card(i18n: I18nContext, dossier: dossiers.PersonDossier, statuses: list,
                subjects: Question | None) -> str:
    person = dossier.person
    profile = person.profile
    lines = [f"<b>{name_of(person)}</b>"]
    for role in person.roles:
        school = dossier.schools.get(role.school_id)
        lines.append(i18n.get(
            "card-role", role=i18n.get(f"role-{role.role}"), form=i18n.get(f"form-{role.form}"),
            school=escape(school.name) if school else "—",
            confirmed=_day(role.confirmed_at) if role.confirmed_at
            else i18n.get("card-unconfirmed")))
    if profile is not None:
        facts = []
        if profile.experience_years is not None:
            facts.append(i18n.get("card-experience", years=profile.experience_years))
        if profile.grade is not None:
            facts.append(i18n.get("card-grade", grade=profile.grade))
        if profile.subjects and subjects is not None:
            facts.append(escape(describe(i18n, subjects, profile.subjects)))
        if facts:
            lines.append(" · ".join(facts))
    lines.append(i18n.get("card-contact", contact=f"@{escape(person.username)}"
                          if person.username else "—"))
    if person.unreachable_at:
        lines.append(i18n.get("card-unreachable", date=_day(person.unreachable_at)))
    lines.append(i18n.get("card-questionnaires"))
    for status in statuses:
        lines.append(i18n.get(f"card-survey-{status.status.value}",
                              title=escape(status.questionnaire.title.get(i18n.locale)),
                              date=_day(status.completed_at)))
    lines.append(i18n.get("card-pairs", count=len(dossier.pairs)))
    return "\n".join(lines)


async def on_person_card(query: CallbackQuery, callback_data: PersonCard, i18n: I18nContext,
                         session: AsyncSession, user: User, settings: Settings,
                         surveys: Surveys, profiles: Profiles) -> None:
    person = await session.get(User, callback_data.user)
    if person is None or not isinstance(query.message, Message) or not \
            await access.curates_person(session, user, person.id, settings.curator_ids):
        await query.answer(i18n.get("error-stale"), show_alert=True)
        return
    await query.answer()
    dossier = await dossiers.person_dossier(session, person)
    builder = InlineKeyboardBuilder()
    for pair in dossier.pairs[:10]:
        builder.button(text=i18n.get("card-button-pair", pair=pair_title(
            pair, dossier.partners), status=i18n.get(f"pair-status-{pair.status}"))[:64],
            callback_data=PairCard(pair=pair.id))
    if dossier.progress.taken:
        builder.button(text=i18n.get("card-button-progress", name=name_of(person)),
                       callback_data=ProgressChart(user=person.id))
    builder.adjust(1)
    statuses = await surveys.statuses(session, person) if roles_of(person) else []
    subjects = next((q for q in profiles.form.questions if q.id == "subjects"), None)
    await query.message.answer(person_card(i18n, dossier, statuses, subjects),
                               reply_markup=builder.as_markup())


async def on_progress_chart(query: CallbackQuery, callback_data: ProgressChart,
                            i18n: I18nContext, session: AsyncSession, user: User,
                            settings: Settings) -> None:
    person = await session.get(User, callback_data.user)
    if person is None or not isinstance(query.message, Message) or not \
            await access.may_see_progress(session, user, person.id, settings.curator_ids):
        await query.answer(i18n.get("error-stale"), show_alert=True)
        return
    progress = await dossiers.progress(session, person.id)
    if not progress.taken:
        await query.answer(i18n.get("card-progress-none", name=name_of(person)),
                           show_alert=True)
        return
    await query.answer(i18n.get("chart-drawing"))
    areas = [(i18n.get(f"area-{area}"), progress.first.get(area),
              progress.last.get(area) if progress.taken > 1 else None) for area in AREAS]
    png = await asyncio.to_thread(
        charts.before_after, i18n.get("chart-progress-title", name=name_of(person)), areas,
        i18n.get("chart-before"), i18n.get("chart-after"), i18n.get("chart-difficulty-axis"),
        DIAGNOSIS_SCALE, i18n.get("chart-empty"))
    await query.message.answer_photo(BufferedInputFile(png, filename="progress.png"),
                                     caption=i18n.get("chart-progress-title",
                                                      name=name_of(person)))


def router() -> Router:
    cards = Router(name="cards")
    cards.callback_query.register(on_pair_card, PairCard.filter())
    cards.callback_query.register(on_person_card, PersonCard.filter())
    cards.callback_query.register(on_progress_chart, ProgressChart.filter())
    return cards
