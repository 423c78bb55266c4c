"""«⚖️ Сравнить» under the summary: the places of the summary's scope side by side, with its
form and period. A regional curator looking at the whole region compares its municipalities;
looking at a municipality, or a coordinator or curator of several schools, compares schools.
Sent as text (the first rows, the rest said to be in the file), an XLSX sheet and a chart."""

from __future__ import annotations

import asyncio
import io

from aiogram import F, Router
from aiogram.types import BufferedInputFile, CallbackQuery
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from bot.html import Markup, lines
from handlers.callbacks import SummaryButton, SummaryView
from handlers.rendering import plain_text
from handlers.summary_scope import SummaryScope, resolve_pressed
from models import User
from services import access, charts, comparison, figures
from services.clock import Clock
from services.comparison import KPI_KEYS, Compared, Group
from services.surveys import Surveys

# A text of this many rows is a few messages at most (long rows with long names: split at line
# breaks to Telegram's limit); the file has every row.
MAX_TEXT_ROWS = 40
# A chart of more places is unreadable on a phone; the file has every row.
MAX_CHART_ROWS = 20
# Each row is a summary of its own: more than this is a region's schools one by one, which a
# municipality's view (or municipalities) shows in parts.
MAX_COMPARED = 100
# What a view with fewer than two rows says, by what it compares.
NOTHING_TO_COMPARE = {"compare-what-municipalities": "compare-nothing-municipalities",
                      "compare-what-schools": "compare-nothing-schools"}


async def groups_of(view: SummaryScope, session: AsyncSession,
                    i18n: I18nContext) -> tuple[list[Group], str]:
    """The rows and what they are («compare-what-…»): the whole region by municipality (while
    it has any), else the schools in view."""
    if view.everything:
        found, loose = await comparison.by_municipality(session)
        if found:
            return comparison.municipal_groups(found, loose, plain_text(
                i18n, "compare-no-municipality")), "compare-what-municipalities"
    return [Group(school.name, (school.id,)) for school in view.schools], "compare-what-schools"


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value}%"


def row_text(i18n: I18nContext, number: int, row: Compared) -> Markup:
    kpis = [i18n.get("compare-kpi", name=i18n.get(f"compare-kpi-{key}"), value=_percent(value),
                     mark="—" if value is None else ("✅" if value >= figures.TARGETS[key]
                                                     else "⚠️"))
            for key, value in zip(KPI_KEYS, row.kpis, strict=True)]
    return i18n.get("compare-row", number=number, name=row.name, participants=row.participants,
                    pairs=row.pairs, completion=_percent(row.completion),
                    satisfaction="—" if row.satisfaction is None else str(row.satisfaction),
                    kpis=lines(kpis, " · "))


def table_text(i18n: I18nContext, view: SummaryScope, rows: list[Compared], what: str) -> Markup:
    place, form = view.names(i18n)
    shown = [i18n.get("compare-title", what=what, place=place, form=form,
                      since=f"{view.first_day:%d.%m.%Y}", until=f"{view.last_day:%d.%m.%Y}"),
             i18n.get("compare-targets", **{key.replace("_", "-"): target
                                            for key, target in figures.TARGETS.items()})]
    shown += [row_text(i18n, number, row)
              for number, row in enumerate(rows[:MAX_TEXT_ROWS], start=1)]
    if len(rows) > MAX_TEXT_ROWS:
        shown.append(i18n.get("compare-more", count=len(rows) - MAX_TEXT_ROWS))
    return lines(shown, "\n\n")


def workbook(i18n: I18nContext, view: SummaryScope, rows: list[Compared], what: str) -> bytes:
    def say(key: str, **params) -> str:
        return plain_text(i18n, key, **params)

    place, form = view.names(i18n)
    title = [say("compare-file-title", what=what),
             say("year-place", place=place, form=form,
                 period=f"{view.first_day:%d.%m.%Y} – {view.last_day:%d.%m.%Y}")]
    columns = [say("compare-column-name"), say("compare-column-participants"),
               say("compare-column-pairs"), say("compare-column-completion"),
               say("compare-column-satisfaction"),
               *(say(f"compare-kpi-{key}") + ", %" for key in KPI_KEYS)]
    document = io.BytesIO()
    comparison.write(document, say("compare-sheet"), title, columns, rows,
                     say("compare-targets-row"))
    return document.getvalue()


def chart(i18n: I18nContext, rows: list[Compared],
          what: str) -> tuple[str, list[str], list[charts.Panel], str]:
    """What charts.comparison draws, in words (drawn in a worker thread, words made here)."""
    def say(key: str, **params) -> str:
        return plain_text(i18n, key, **params)

    shown = rows[:MAX_CHART_ROWS]
    panels = [
        charts.Panel(say("compare-column-participants"), [row.participants for row in shown]),
        charts.Panel(say("compare-column-pairs"), [row.pairs for row in shown]),
        charts.Panel(say("compare-column-completion"), [row.completion for row in shown], 100),
        charts.Panel(say("compare-column-satisfaction"), [row.satisfaction for row in shown],
                     10),
        *(charts.Panel(say("compare-kpi-target", name=say(f"compare-kpi-{key}"),
                           target=figures.TARGETS[key]),
                       [row.kpis[index] for row in shown], 100, figures.TARGETS[key])
          for index, key in enumerate(KPI_KEYS)),
    ]
    title = say("compare-chart-title", what=what)
    if len(rows) > MAX_CHART_ROWS:
        title += " " + say("compare-chart-first", shown=MAX_CHART_ROWS, count=len(rows))
    return title, [row.name for row in shown], panels, "—"


async def on_compare(query: CallbackQuery, callback_data: SummaryButton, i18n: I18nContext,
                     session: AsyncSession, user: User, settings: Settings, clock: Clock,
                     surveys: Surveys) -> None:
    resolved = await resolve_pressed(query, i18n, session, user, settings, clock.now(),
                                     callback_data)
    if resolved is None:
        return
    view, message = resolved
    groups, what = await groups_of(view, session, i18n)
    if len(groups) < 2:
        await query.answer(i18n.get(NOTHING_TO_COMPARE[what], count=len(groups)),
                           show_alert=True)
        return
    if len(groups) > MAX_COMPARED:
        # Only a regional curator can narrow the region by municipalities or make them.
        regional = access.may_manage_region(user, settings.curator_ids)
        await query.answer(i18n.get("compare-too-many" if regional else "compare-too-many-curator",
                                    count=len(groups), most=MAX_COMPARED), show_alert=True)
        return
    await query.answer(i18n.get("chart-drawing"))
    rows = await comparison.compare(
        session, groups, view.scope, [(q.id, set(q.audience.roles)) for q in surveys.catalog],
        clock.now())
    what = plain_text(i18n, what)
    await message.answer(table_text(i18n, view, rows, what))
    made = f"{clock.now():%Y-%m-%d}"
    await message.answer_document(
        BufferedInputFile(workbook(i18n, view, rows, what),
                          filename=f"{plain_text(i18n, 'compare-file')}_{made}.xlsx"),
        caption=i18n.get("compare-caption", what=what))
    png = await asyncio.to_thread(charts.comparison, *chart(i18n, rows, what))
    await message.answer_photo(BufferedInputFile(png, filename=f"comparison_{made}.png"),
                                     caption=i18n.get("compare-caption", what=what))


def router() -> Router:
    compared = Router(name="comparison")
    compared.callback_query.register(on_compare,
                                     SummaryButton.filter(F.view == SummaryView.COMPARE))
    return compared
