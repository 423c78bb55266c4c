"""What every part of the export shares: a table's description and the limits."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator, Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime

from domain.roles import Role

# A locale lookup that returns plain text (cells are not HTML).
Label = Callable[..., str]
Value = str | int | float | date | datetime | None
Row = Sequence[Value]

FORMATS = ("xlsx", "csv")
# Rows fetched from the database at a time, and rows handed to the writer's thread at a time.
PARTITION = 1000
BATCH = 1000
MENTOR_ROLES = (Role.MENTOR_TEACHER.value, Role.MENTOR_PUPIL.value)
MENTEE_ROLES = (Role.MENTEE_TEACHER.value, Role.MENTEE_PUPIL.value)
NO_NAME = "—"
LABEL_CACHE = 10_000
# Pairs whose mentees' names an export keeps between partitions (export.tables.mentee_names).
PAIRS_REMEMBERED = 50_000
LIST_SEPARATOR = "; "
SHEET_NAME_LIMIT = 31
SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
# Cells starting so are formulas to a spreadsheet (tab and CR too, as OWASP advises).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
DATE_FORMAT, DATETIME_FORMAT = "%d.%m.%Y", "%d.%m.%Y %H:%M"
XLSX_DATE, XLSX_DATETIME = "DD.MM.YYYY", "DD.MM.YYYY HH:MM"


@dataclass(frozen=True)
class Table:
    """One sheet (XLSX) or one file (CSV); `rows` makes the stream when the writer gets to it."""

    name: str
    headers: list[str]
    widths: list[int]
    rows: Callable[[], AsyncIterator[Row]]
    # Made by the second process when a large export is split (export.part): the
    # questionnaires, pairs and plans, about half of a region's work, the other half being the
    # bases and the meetings.
    second: bool = False

