"""«📄 Итоги года» under the summary: the scope's figures (a school, or every school the curator
has, with the summary's form and period) as one XLSX sheet to send upward (services.year_report)."""

from __future__ import annotations

import io

from aiogram import F, Router
from aiogram.types import BufferedInputFile, CallbackQuery
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from domain.roles import Role
from handlers.callbacks import SummaryButton, SummaryView
from handlers.rendering import plain_text
from handlers.summary import figures_of
from handlers.summary_scope import resolve_pressed
from models import User
from services import figures, year_report
from services.clock import Clock
from services.surveys import Surveys
from services.year_report import Row


def report_rows(i18n: I18nContext, summary: figures.Summary, surveys: Surveys) -> list[Row]:
    def say(key: str, **params) -> str:
        return plain_text(i18n, key, **params)

    rows = [Row(say("year-section-people"), heading=True)]
    rows += [Row(say(f"role-{role.value}"), summary.roles.get(role.value, 0)) for role in Role]
    rows.append(Row(say("year-section-pairs"), heading=True))
    for (status, form), count in sorted(summary.pairs.items()):
        rows.append(Row(f"{say(f'form-{form}')} · {say(f'pair-status-{status}')}", count))
    rows.append(Row(say("year-section-questionnaires"), heading=True))
    catalog = surveys.catalog
    for code, counts in summary.completion.items():
        title = catalog.get(code).title.get(i18n.locale)
        rows.append(Row(say("year-completed", title=title), counts["done"]))
        rows.append(Row(say("year-not-completed", title=title),
                        counts["started"] + counts["not_started"]))
    for code, items in summary.satisfaction.items():
        answers = sum(count for _, _, count in items.values())
        if answers:
            average = sum(mean * count for mean, _, count in items.values()) / answers
            rows.append(Row(say("year-satisfaction", title=catalog.get(code).title.get(
                i18n.locale)), round(average, 1)))
    rows.append(Row(say("year-section-meetings"), heading=True))
    rows.append(Row(say("year-meetings-held"), summary.meetings_held))
    rows.append(Row(say("year-meetings-unknown"), summary.meetings_unknown))
    rows.append(Row(say("year-section-kpi"), heading=True))
    for kpi in summary.kpis:
        rows.append(Row(say(f"year-kpi-{kpi.key}", done=kpi.done, total=kpi.total),
                        kpi.percent, kpi.target,
                        None if kpi.percent is None else kpi.percent >= kpi.target))
    if summary.deficits:
        rows.append(Row(say("year-section-deficits"), heading=True))
        rows += [Row(say(f"area-{area}"), share) for area, share in summary.deficits]
    return rows


async def on_year_report(query: CallbackQuery, callback_data: SummaryButton, i18n: I18nContext,
                         session: AsyncSession, user: User, settings: Settings, clock: Clock,
                         surveys: Surveys) -> None:
    resolved = await resolve_pressed(query, i18n, session, user, settings, clock.now(),
                                     callback_data)
    if resolved is None:
        return
    view, message = resolved
    summary = await figures_of(view, session, surveys, clock)
    place, form = view.names(i18n)
    period = f"{view.first_day:%d.%m.%Y} – {view.last_day:%d.%m.%Y}"
    title = [plain_text(i18n, "year-title"),
             plain_text(i18n, "year-place", place=place, form=form, period=period),
             plain_text(i18n, "year-made", date=f"{clock.now():%d.%m.%Y}"),
             plain_text(i18n, "year-period-note")]
    columns = [plain_text(i18n, f"year-column-{name}")
               for name in ("figure", "value", "target", "reached")]
    document = io.BytesIO()
    year_report.write(document, plain_text(i18n, "year-sheet"), title, columns,
                      report_rows(i18n, summary, surveys),
                      (plain_text(i18n, "answer-yes"), plain_text(i18n, "answer-no")))
    await message.answer_document(
        BufferedInputFile(document.getvalue(),
                          filename=f"{plain_text(i18n, 'year-file')}_{clock.now():%Y-%m-%d}.xlsx"),
        caption=i18n.get("year-caption", place=place, period=period))


def router() -> Router:
    report = Router(name="year_report")
    report.callback_query.register(on_year_report,
                                   SummaryButton.filter(F.view == SummaryView.YEAR_REPORT))
    return report
