"""Municipalities, or schools, side by side: each one's figures as the summary computes them
(services.figures), reduced to one row, and that table as an XLSX sheet. The rows' labels and
the chart's words are the caller's (handlers.comparison); here only the figures and the layout.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from typing import IO

import xlsxwriter
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Municipality, School
from services import figures
from services.reports import Scope
from services.year_report import MAX_SHEET_NAME, write_heading


@dataclass(frozen=True)
class Group:
    """What one row covers: a name and its schools (a municipality's, or one school)."""

    name: str
    school_ids: tuple[int, ...]


@dataclass(frozen=True)
class Compared:
    """One row: participants (people, each once however many roles they hold), active pairs,
    the share of questionnaires completed (percent of those who should take them), the
    satisfaction average (1–10) and the KPIs in percent (None: nobody to count), in
    figures.TARGETS order."""

    name: str
    participants: int
    pairs: int
    completion: float | None
    satisfaction: float | None
    kpis: tuple[float | None, ...]


KPI_KEYS = tuple(figures.TARGETS)


def municipal_groups(found: Sequence[tuple[Municipality, list[School]]],
                     loose: Sequence[School], loose_name: str) -> list[Group]:
    """A row per municipality, and one for the schools no municipality has (if any)."""
    groups = [Group(municipality.name, tuple(school.id for school in schools))
              for municipality, schools in found]
    if loose:
        groups.append(Group(loose_name, tuple(school.id for school in loose)))
    return groups


async def by_municipality(session: AsyncSession) -> tuple[list[tuple[Municipality, list[School]]],
                                                          list[School]]:
    """Every municipality with its schools, by name, and the schools outside any."""
    schools = (await session.scalars(select(School).order_by(School.name))).all()
    found = (await session.scalars(
        select(Municipality).order_by(Municipality.normalized_name))).all()
    return ([(municipality, [school for school in schools
                             if school.municipality_id == municipality.id])
             for municipality in found],
            [school for school in schools if school.municipality_id is None])


def row_of(name: str, summary: figures.Summary) -> Compared:
    audience = sum(sum(counts.values()) for counts in summary.completion.values())
    done = sum(counts["done"] for counts in summary.completion.values())
    answers = sum(count for items in summary.satisfaction.values()
                  for _, _, count in items.values())
    total = sum(average * count for items in summary.satisfaction.values()
                for average, _, count in items.values())
    kpis = {kpi.key: kpi.percent for kpi in summary.kpis}
    return Compared(
        name=name, participants=summary.people, pairs=summary.active_pairs,
        completion=round(100 * done / audience, 1) if audience else None,
        satisfaction=round(total / answers, 1) if answers else None,
        kpis=tuple(kpis.get(key) for key in KPI_KEYS))


async def compare(session: AsyncSession, groups: Sequence[Group], scope: Scope,
                  questionnaires: list[tuple[str, set]], now: datetime) -> list[Compared]:
    """Each group's row, over the scope's form and period: the summary's figures, computed for
    the group's schools alone."""
    rows = []
    for group in groups:
        summary = await figures.summarize(session, replace(scope, school_ids=group.school_ids),
                                          questionnaires, now)
        rows.append(row_of(group.name, summary))
    return rows


def reached(value: float | None, target: int) -> bool | None:
    return None if value is None else value >= target


def write(target: IO[bytes], sheet: str, title: Sequence[str], columns: Sequence[str],
          rows: Sequence[Compared], targets_label: str) -> None:
    """`columns`: the headings of name, participants, pairs, completion, satisfaction and the
    KPIs; a row under the headings gives the KPIs' targets. A KPI that misses its target is
    shaded."""
    book = xlsxwriter.Workbook(target, {"in_memory": True})
    bold = book.add_format({"bold": True})
    header = book.add_format({"bold": True, "bottom": 1, "text_wrap": True, "valign": "top"})
    missed = book.add_format({"bg_color": "#F8D7D3"})
    sheet_ = book.add_worksheet(sheet[:MAX_SHEET_NAME])
    sheet_.set_column(0, 0, 40)
    sheet_.set_column(1, len(columns) - 1, 14)
    line = write_heading(sheet_, title, columns, bold, header)
    sheet_.write_string(line, 0, targets_label)
    first_kpi = len(columns) - len(KPI_KEYS)
    for offset, key in enumerate(KPI_KEYS):
        sheet_.write_number(line, first_kpi + offset, figures.TARGETS[key])
    line += 1
    for row in rows:
        sheet_.write_string(line, 0, row.name)
        values = (row.participants, row.pairs, row.completion, row.satisfaction, *row.kpis)
        for column, value in enumerate(values, start=1):
            if value is None:
                continue
            kpi = column - first_kpi
            shade = missed if 0 <= kpi and not reached(value, figures.TARGETS[KPI_KEYS[kpi]]) \
                else None
            sheet_.write_number(line, column, value, shade)
        line += 1
    book.close()
