"""The curator's /summary with its filters (school, form, period), who has not completed
a questionnaire, and the charts. Every button carries its whole filter and is checked again
against what the curator may see."""

from __future__ import annotations

import asyncio
from zoneinfo import ZoneInfo

from aiogram import Router
from aiogram.exceptions import TelegramBadRequest
from aiogram.filters import Command, CommandObject
from aiogram.types import (
    BufferedInputFile,
    CallbackQuery,
    InlineKeyboardButton,
    InlineKeyboardMarkup,
    Message,
)
from aiogram.utils.keyboard import InlineKeyboardBuilder
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.html import Markup, escape, lines
from domain.roles import Form
from handlers.callbacks import PersonCard, SummaryButton, SummaryView
from handlers.rendering import page_turns, paged, plain_text
from handlers.summary_scope import (
    FORM_CODES,
    Refused,
    SummaryScope,
    parse_period,
    resolve,
    resolve_typed,
)
from models import User
from services import access, charts, figures, municipalities, reports
from services.clock import Clock
from services.errors import StaleAction
from services.surveys import Surveys

MAX_LISTED = 100
MAX_PERSON_BUTTONS = 20
SCHOOLS_PER_PAGE = 30


def _title(i18n: I18nContext, view: SummaryScope) -> Markup:
    place, form = view.names(i18n)
    return lines([i18n.get("summary-title", school=place, since=f"{view.first_day:%d.%m.%Y}",
                           until=f"{view.last_day:%d.%m.%Y}"), i18n.get("desk-form", form=form)])


def summary_text(i18n: I18nContext, view: SummaryScope, summary: figures.Summary,
                 surveys: Surveys) -> Markup:
    catalog = surveys.catalog
    shown = [_title(i18n, view),
             i18n.get("summary-people", **{r.replace("_", "-"): summary.roles.get(r, 0) for r in (
                 "mentor_teacher", "mentee_teacher", "mentor_pupil", "mentee_pupil")})]
    pair_lines = [Markup("{} · {}: {}").format(i18n.get(f"pair-status-{status}"),
                                               i18n.get(f"form-{form}"), count)
                  for (status, form), count in sorted(summary.pairs.items())]
    shown.append(lines([i18n.get("summary-pairs"), lines(pair_lines, "; ") or "—"], " "))
    shown.append(i18n.get("summary-questionnaires"))
    for code, counts in summary.completion.items():
        title = catalog.get(code).title.get(i18n.locale)
        shown.append(i18n.get("summary-completion", title=title, **counts))
    for code, items in summary.satisfaction.items():
        questionnaire = catalog.get(code)
        shown.append(i18n.get("summary-satisfaction",
                              title=questionnaire.title.get(i18n.locale)))
        order = {question.id: index for index, question in enumerate(questionnaire.questions)}
        for item, (average, high, count) in sorted(items.items(),
                                                   key=lambda pair: order.get(pair[0], 999)):
            question = questionnaire.question(item)
            name = question.text.get(i18n.locale)[:60] if question else item
            shown.append(i18n.get("summary-item", item=name, average=average,
                                  high=high, count=count))
    if summary.deficits:
        shown.append(i18n.get("summary-deficits", areas=lines(
            (Markup("{} {}%").format(i18n.get(f"area-{area}"), share)
             for area, share in summary.deficits), "; ")))
    per_pair = round(summary.meetings_held / summary.active_pairs, 1) if summary.active_pairs \
        else 0
    shown.append(i18n.get("summary-meetings", held=summary.meetings_held,
                          unknown=summary.meetings_unknown, per_pair=per_pair))
    shown.append(i18n.get("summary-unreachable", count=summary.unreachable))
    shown.append(i18n.get("summary-kpi"))
    for kpi in summary.kpis:
        reached = kpi.percent is not None and kpi.percent >= kpi.target
        shown.append(i18n.get(f"kpi-{kpi.key}", done=kpi.done, total=kpi.total,
                              percent="—" if kpi.percent is None else f"{kpi.percent}%",
                              target=kpi.target, mark="✅" if reached else "⚠️"))
    return lines(shown)


def summary_keyboard(i18n: I18nContext, view: SummaryScope, summary: figures.Summary,
                     surveys: Surveys, today_ordinal: int) -> InlineKeyboardMarkup:
    builder = InlineKeyboardBuilder()
    for code, counts in summary.completion.items():
        if counts["started"] + counts["not_started"]:
            # The short title, whole and first: where a narrow screen cuts the label, it cuts the
            # words every such button shares, never the letters that tell two apart.
            title = surveys.catalog.short_title(code, i18n.locale)
            builder.row(InlineKeyboardButton(
                text=i18n.get("desk-button-laggards", title=title),
                callback_data=view.go(SummaryView.LAGGARDS, code=code)))
    forms = [("", i18n.get("desk-all-forms"))] + [
        (FORM_CODES[form], i18n.get(f"form-{form.value}")) for form in Form]
    buttons = [InlineKeyboardButton(
        text=("✓ " if code == view.button.form else "") + label,
        callback_data=view.go(SummaryView.SUMMARY, form=code)) for code, label in forms]
    builder.row(*buttons[:2])
    builder.row(*buttons[2:])
    presets = [("desk-period-year", 0, 0), ("desk-period-30", today_ordinal - 29, today_ordinal),
               ("desk-period-7", today_ordinal - 6, today_ordinal)]
    builder.row(*(InlineKeyboardButton(
        text=("✓ " if (since, until) == (view.button.since, view.button.until) else "")
        + i18n.get(key), callback_data=view.go(SummaryView.SUMMARY, since=since, until=until))
        for key, since, until in presets))
    builder.row(*(InlineKeyboardButton(text=i18n.get(f"desk-chart-{name}"),
                                       callback_data=view.go(chart))
                  for name, chart in (("deficits", SummaryView.CHART_DEFICITS),
                                      ("satisfaction", SummaryView.CHART_SATISFACTION),
                                      ("meetings", SummaryView.CHART_MEETINGS))))
    builder.row(InlineKeyboardButton(text=i18n.get("desk-button-export"),
                                     callback_data=view.go(SummaryView.EXPORT)),
                InlineKeyboardButton(text=i18n.get("desk-button-export-csv"),
                                     callback_data=view.go(SummaryView.EXPORT_CSV)),
                InlineKeyboardButton(text=i18n.get("desk-button-year-report"),
                                     callback_data=view.go(SummaryView.YEAR_REPORT)))
    places = []
    if len(view.schools) > 1 or view.button.school or view.button.municipality:
        places.append(InlineKeyboardButton(text=i18n.get("desk-button-schools"),
                                           callback_data=view.go(SummaryView.SCHOOLS)))
    if view.school is None:
        places.append(InlineKeyboardButton(text=i18n.get("desk-button-compare"),
                                           callback_data=view.go(SummaryView.COMPARE)))
    if places:
        builder.row(*places)
    return builder.as_markup()


async def figures_of(view: SummaryScope, session: AsyncSession, surveys: Surveys,
                     clock: Clock) -> figures.Summary:
    """The summary's figures for its scope, every questionnaire with the roles it is open to."""
    return await figures.summarize(
        session, view.scope, [(q.id, set(q.audience.roles)) for q in surveys.catalog],
        clock.now())


async def _summary(view: SummaryScope, i18n: I18nContext, session: AsyncSession, surveys: Surveys,
                   clock: Clock, settings: Settings) -> tuple[str, InlineKeyboardMarkup]:
    summary = await figures_of(view, session, surveys, clock)
    today = clock.now().astimezone(ZoneInfo(settings.timezone)).date().toordinal()
    return (summary_text(i18n, view, summary, surveys),
            summary_keyboard(i18n, view, summary, surveys, today))


async def on_summary(message: Message, command: CommandObject, i18n: I18nContext,
                     session: AsyncSession, user: User, settings: Settings, clock: Clock,
                     surveys: Surveys) -> None:
    period = parse_period(command.args)
    if period is None:
        await message.answer(i18n.get("summary-bad-period"))
        return
    view = await resolve_typed(message, i18n, session, user, settings, clock.now(),
                               SummaryButton(view=SummaryView.SUMMARY, since=period[0],
                                             until=period[1]))
    if view is None:
        return
    text, keyboard = await _summary(view, i18n, session, surveys, clock, settings)
    await message.answer(text, reply_markup=keyboard)


async def _laggards(view: SummaryScope, i18n: I18nContext, session: AsyncSession,
                    surveys: Surveys) -> tuple[str, InlineKeyboardMarkup]:
    questionnaire = surveys.catalog.get(view.button.code)
    if questionnaire is None:
        raise Refused("error-stale")
    behind = await reports.laggards(session, view.scope, questionnaire.id,
                                    [role.value for role in questionnaire.audience.roles])
    title = questionnaire.title.get(i18n.locale)
    shown = [i18n.get("desk-laggards", title=title, count=len(behind))]
    shown += [Markup("{}. {}{}").format(
        number, name or "—",
        Markup(" — {}").format(i18n.get("desk-laggard-started")) if started else "")
        for number, (_, name, started) in enumerate(behind[:MAX_LISTED], start=1)]
    if len(behind) > MAX_LISTED:
        shown.append(i18n.get("desk-and-more", count=len(behind) - MAX_LISTED))
    builder = InlineKeyboardBuilder()
    for user_id, name, _ in behind[:MAX_PERSON_BUTTONS]:
        builder.button(text=escape((name or "—")[:40]),
                       callback_data=PersonCard(user=user_id).pack())
    builder.adjust(2)
    if behind:
        builder.row(InlineKeyboardButton(text=i18n.get("desk-button-remind"),
                                         callback_data=view.go(SummaryView.REMIND)))
    return lines(shown), builder.as_markup()


async def _schools(view: SummaryScope, i18n: I18nContext, session: AsyncSession, user: User,
                   settings: Settings) -> tuple[str, InlineKeyboardMarkup]:
    """Every school the curator curates (of the municipality in view, if one is), a page at a
    time (a region has hundreds); a regional curator also picks a municipality."""
    curated = await access.curated_schools(session, user, settings.curator_ids)
    within = view.button.municipality
    if within:
        curated = [school for school in curated if school.municipality_id == within]
    on_page, page, pages = paged(curated, view.button.page, SCHOOLS_PER_PAGE)
    builder = InlineKeyboardBuilder()
    builder.row(InlineKeyboardButton(
        text=i18n.get("desk-all-schools", count=len(curated)) if not within else
        i18n.get("desk-municipality", name=view.municipality.name, count=len(curated)),
        callback_data=view.go(SummaryView.SUMMARY, school=0, page=0)))
    if within:
        builder.row(InlineKeyboardButton(text=i18n.get("desk-button-whole-region"),
                                         callback_data=view.go(SummaryView.SCHOOLS, school=0,
                                                               municipality=0, page=0)))
    elif page == 0 and access.may_manage_region(user, settings.curator_ids):
        for entry in (await municipalities.listed(session))[:SCHOOLS_PER_PAGE]:
            builder.row(InlineKeyboardButton(
                text=i18n.get("desk-button-municipality", name=entry.municipality.name[:50]),
                callback_data=view.go(SummaryView.SUMMARY, school=0,
                                      municipality=entry.municipality.id, page=0)))
    for school in on_page:
        builder.row(InlineKeyboardButton(text=escape(school.name[:60]), callback_data=view.go(
            SummaryView.SUMMARY, school=school.id, page=0)))
    turns = page_turns(page, pages, lambda to: view.go(SummaryView.SCHOOLS, page=to))
    if turns:
        builder.row(*turns)
    return i18n.get("desk-pick-school", page=page + 1, pages=pages), builder.as_markup()


async def _chart(view: SummaryScope, i18n: I18nContext, session: AsyncSession, surveys: Surveys,
                 clock: Clock, settings: Settings) -> bytes:
    def say(key: str, **params) -> str:
        return plain_text(i18n, key, **params)

    empty = say("chart-empty")
    if view.button.view is SummaryView.CHART_DEFICITS:
        diagnosed = await figures.diagnoses(session, view.scope)
        return await asyncio.to_thread(
            charts.deficit_profile, say("chart-deficits-title", count=diagnosed.mentees),
            [(say(f"area-{area}"), share) for area, share in diagnosed.shares()],
            say("chart-deficits-axis"), empty)
    if view.button.view is SummaryView.CHART_SATISFACTION:
        scores = await reports.satisfaction_scores(session, view.scope)
        series = [(surveys.catalog.get(code).title.get(i18n.locale),
                   [score for counts in items.values() for score in counts.elements()])
                  for code, items in scores.items()]
        return await asyncio.to_thread(
            charts.satisfaction_distribution, say("chart-satisfaction-title"), series,
            say("chart-score-axis"), say("chart-count-axis"), empty)
    weeks = await reports.meetings_per_week(session, view.scope, clock.now(),
                                            ZoneInfo(settings.timezone))
    return await asyncio.to_thread(
        charts.meetings_per_week, say("chart-meetings-title"), weeks,
        say("chart-week-axis"), say("chart-count-axis"), empty)


async def on_summary_button(query: CallbackQuery, callback_data: SummaryButton,
                            i18n: I18nContext, session: AsyncSession, user: User,
                            settings: Settings, clock: Clock, surveys: Surveys) -> None:
    if not isinstance(query.message, Message):
        raise StaleAction
    try:
        view = await resolve(session, user, settings, clock.now(), callback_data)
        if callback_data.view is SummaryView.SUMMARY:
            text, keyboard = await _summary(view, i18n, session, surveys, clock, settings)
            try:
                await query.message.edit_text(text, reply_markup=keyboard)
            except TelegramBadRequest:
                pass  # the same filter pressed again: nothing changed
        elif callback_data.view is SummaryView.LAGGARDS:
            text, keyboard = await _laggards(view, i18n, session, surveys)
            await query.message.answer(text, reply_markup=keyboard)
        elif callback_data.view is SummaryView.SCHOOLS:
            text, keyboard = await _schools(view, i18n, session, user, settings)
            await query.message.answer(text, reply_markup=keyboard)
        else:
            await query.answer(i18n.get("chart-drawing"))
            png = await _chart(view, i18n, session, surveys, clock, settings)
            await query.message.answer_photo(
                BufferedInputFile(png, filename=f"{callback_data.view.name.lower()}.png"),
                caption=_title(i18n, view))
    except Refused as refusal:
        await query.answer(i18n.get(refusal.key), show_alert=True)


def router() -> Router:
    summary = Router(name="summary")
    summary.message.register(on_summary, Command("summary"))
    summary.callback_query.register(on_summary_button, SummaryButton.filter())
    return summary
