"""The school's end-of-year figures (programme 001 §3.2, programme 004) as one XLSX sheet that a
curator sends upward: sections of labelled rows, numbers kept as numbers so the region can copy
them into its own forms. What the rows say is the caller's (handlers.year_report); here only how
a sheet is laid out."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import IO

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

# Excel's limit for a sheet's name.
MAX_SHEET_NAME = 31


@dataclass(frozen=True)
class Row:
    """A figure: its label, value, and (for an indicator) its target in percent and whether it
    is reached; a section's heading has no value."""

    label: str
    value: float | int | str | None = None
    target: int | None = None
    reached: bool | None = None
    heading: bool = False


def write_heading(sheet: Worksheet, title: Sequence[str], columns: Sequence[str], bold: Format,
                  header: Format) -> int:
    """The lines above a table (the first bold), a blank line and the table's headings; the
    number of the table's first line."""
    line = 0
    for text in title:
        sheet.write_string(line, 0, text, bold if line == 0 else None)
        line += 1
    line += 1
    for column, text in enumerate(columns):
        sheet.write_string(line, column, text, header)
    return line + 1


def write(target: IO[bytes], sheet: str, title: Sequence[str], columns: Sequence[str],
          rows: Sequence[Row], yes_no: tuple[str, str]) -> None:
    """`title`: the lines above the table (what, where, when); `columns`: the table's four
    headings (figure, value, target, reached)."""
    book = xlsxwriter.Workbook(target, {"in_memory": True})
    bold = book.add_format({"bold": True})
    heading = book.add_format({"bold": True, "bg_color": "#E8EEF7"})
    header = book.add_format({"bold": True, "bottom": 1})
    wrap = book.add_format({"text_wrap": True, "valign": "top"})
    sheet_ = book.add_worksheet(sheet[:MAX_SHEET_NAME])
    sheet_.set_column(0, 0, 62)
    sheet_.set_column(1, 3, 14)
    line = write_heading(sheet_, title, columns, bold, header)
    for row in rows:
        if row.heading:
            sheet_.write_string(line, 0, row.label, heading)
            for column in range(1, 4):
                sheet_.write_blank(line, column, None, heading)
        else:
            sheet_.write_string(line, 0, row.label, wrap)
            if isinstance(row.value, int | float):
                sheet_.write_number(line, 1, row.value)
            elif row.value is not None:
                sheet_.write_string(line, 1, str(row.value))
            if row.target is not None:
                sheet_.write_number(line, 2, row.target)
            if row.reached is not None:
                sheet_.write_string(line, 3, yes_no[0] if row.reached else yes_no[1])
        line += 1
    book.close()
