"""/summary for a curator: the state of the school's programme and its KPIs, optionally for a
period (`/summary 2026-09-01 2026-12-31`)."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from html import escape
from zoneinfo import ZoneInfo

from aiogram.types import Message
from aiogram_i18n import I18nContext
from sqlalchemy.ext.asyncio import AsyncSession

from domain.calendar import school_year_of
from handlers.school_context import Desk
from models import School
from services import reports


def period(args: str | None, today: date) -> tuple[date, date] | None:
    """The days the summary covers: the school year so far, or two ISO dates given."""
    if not args:
        return date(school_year_of(today), 8, 1), today
    parts = args.split()
    try:
        start, end = (date.fromisoformat(p) for p in parts)
    except ValueError:
        return None
    return (start, end) if len(parts) == 2 and start <= end else None


async def show_summary(message: Message, i18n: I18nContext, session: AsyncSession,
                       school: School, desk: Desk) -> None:
    zone = ZoneInfo(desk.settings.timezone)
    now = desk.clock.now()
    days = period(desk.args, now.astimezone(zone).date())
    if days is None:
        await message.answer(i18n.get("summary-bad-period"))
        return
    since = datetime.combine(days[0], time.min, tzinfo=zone)
    until = datetime.combine(days[1] + timedelta(days=1), time.min, tzinfo=zone)
    catalog = desk.surveys.catalog
    summary = await reports.summarize(
        session, school.id, [(q.id, set(q.audience.roles)) for q in catalog], since, until, now)
    lines = [i18n.get("summary-title", school=escape(school.name),
                      since=f"{days[0]:%d.%m.%Y}", until=f"{days[1]:%d.%m.%Y}"),
             i18n.get("summary-people", **{r.replace("_", "-"): summary.roles.get(r, 0) for r in (
                 "mentor_teacher", "mentee_teacher", "mentor_pupil", "mentee_pupil")})]
    pair_lines = [f"{i18n.get(f'pair-status-{status}')} · {i18n.get(f'form-{form}')}: {count}"
                  for (status, form), count in sorted(summary.pairs.items())]
    lines.append(i18n.get("summary-pairs") + (" " + "; ".join(pair_lines) if pair_lines
                                               else " —"))
    lines.append(i18n.get("summary-questionnaires"))
    for code, counts in summary.completion.items():
        title = catalog.get(code).title.get(i18n.locale)
        lines.append(i18n.get("summary-completion", title=escape(title), **counts))
    for code, items in summary.satisfaction.items():
        questionnaire = catalog.get(code)
        lines.append(i18n.get("summary-satisfaction",
                              title=escape(questionnaire.title.get(i18n.locale))))
        for item, (average, high, count) in items.items():
            question = questionnaire.question(item)
            name = question.text.get(i18n.locale)[:60] if question else item
            lines.append(i18n.get("summary-item", item=escape(name), average=average,
                                  high=high, count=count))
    if summary.deficits:
        lines.append(i18n.get("summary-deficits", areas="; ".join(
            f"{i18n.get(f'area-{area}')} {share}%" for area, share in summary.deficits)))
    per_pair = round(summary.meetings_held / summary.active_pairs, 1) if summary.active_pairs \
        else 0
    lines.append(i18n.get("summary-meetings", held=summary.meetings_held, per_pair=per_pair))
    lines.append(i18n.get("summary-unreachable", count=summary.unreachable))
    lines.append(i18n.get("summary-kpi"))
    for kpi in summary.kpis:
        reached = kpi.percent is not None and kpi.percent >= kpi.target
        lines.append(i18n.get(f"kpi-{kpi.key}", done=kpi.done, total=kpi.total,
                              percent="—" if kpi.percent is None else f"{kpi.percent}%",
                              target=kpi.target, mark="✅" if reached else "⚠️"))
    await message.answer("\n".join(lines))
