"""A sheet's data rows as the XML XlsxWriter writes for them in constant_memory mode, made in
one pass per batch instead of through its per-cell API.

A region's export is about seven million cells, and XlsxWriter spends some ten microseconds on
each (argument checks, a cell tuple stored then read back, attribute lists, one file write per
cell); these are about one. The XML is the same, byte for byte, as XlsxWriter's own for the same
typed values (tests/test_export_xlsx.py writes both and compares), with one exception: a text
that looks like XlsxWriter's rich-string markup (`<r>…</r>`) is escaped like any other text
rather than written as markup.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from math import isinf, isnan
from typing import Any

from xlsxwriter.utility import _utf16_len, _utf16_truncate, xl_col_to_name

from services.export.table import Row

# What XlsxWriter does to an inline string (xmlwriter._escape_control_characters, _escape_data,
# utility._preserve_whitespace): a literal _xHHHH_ is escaped as Excel would read it as an
# escape; & < > become entities; leading or trailing whitespace is preserved. Control
# characters never get here (cells.ILLEGAL_CHARACTERS strips them).
ESCAPE_LOOKALIKE = re.compile("(_x[0-9a-fA-F]{4}_)")
XML_SPECIAL = re.compile("[&<>]")
# A cell holds at most 32,767 UTF-16 units; XlsxWriter cuts a longer text there (with its own
# helpers, used here too).
TEXT_LIMIT = 32767
EPOCH = datetime(1899, 12, 31)
SECONDS_A_DAY = 86400
# At most this many cells remembered, texts only up to this length (names, labels, schools; not
# notes), so memory stays flat.
REMEMBERED, REMEMBERED_TEXT = 20_000, 64


def text_cell(text: str) -> str:
    """A text cell after its reference: its type and inline string."""
    if len(text) > TEXT_LIMIT // 2 and _utf16_len(text) > TEXT_LIMIT:
        text = _utf16_truncate(text, TEXT_LIMIT)
    if "_x" in text:
        text = ESCAPE_LOOKALIKE.sub(r"_x005F\1", text)
    if "\ufffe" in text or "\uffff" in text:
        text = text.replace("\ufffe", "_xFFFE_").replace("\uffff", "_xFFFF_")
    if XML_SPECIAL.search(text):
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    if text and (text[0].isspace() or text[-1].isspace()):
        return f' t="inlineStr"><is><t xml:space="preserve">{text}</t></is></c>'
    return f' t="inlineStr"><is><t>{text}</t></is></c>'


def number_cell(number: int | float) -> str:
    """A number cell after its reference."""
    if isinstance(number, float) and (isnan(number) or isinf(number)):
        raise TypeError("NAN/INF not supported in write_number() without 'nan_inf_to_errors'")
    return f"><v>{number:.16G}</v></c>"


def excel_serial(moment: date) -> float:
    """Days since Excel's epoch, as XlsxWriter counts them for a naive date or datetime (with
    Excel's phantom 29 February 1900)."""
    if not isinstance(moment, datetime):
        moment = datetime.fromordinal(moment.toordinal())
    delta = moment - EPOCH
    serial = delta.days + (float(delta.seconds) + float(delta.microseconds) / 1e6) / SECONDS_A_DAY
    if moment.isocalendar() == (1900, 1, 1):
        serial -= 1
    return serial + 1 if serial > 59 else serial


class RowsXml:
    """Renders batches of rows of one sheet; `styles` maps date and datetime to the index of
    their cell format, `text` prepares a text as the export writes it (formula guard).

    What follows a cell's reference is remembered by value: a region repeats the same labels,
    schools, scores and days hundreds of thousands of times."""

    def __init__(self, width: int, styles: dict[type, int], text) -> None:
        self.columns = [xl_col_to_name(index) for index in range(width)]
        self.styles = styles
        self.text = text
        self.known: dict[tuple[type, Any], str] = {}

    def cell(self, value: Any) -> str:
        kind = type(value)
        key = (kind, value)
        found = self.known.get(key)
        if found is None:
            if isinstance(value, str):
                found = text_cell(self.text(str(value)))
            elif isinstance(value, date):
                style = self.styles[datetime if isinstance(value, datetime) else date]
                found = f' s="{style}"><v>{excel_serial(value):.16G}</v></c>'
            else:
                found = number_cell(value)
            if kind is not str or len(value) <= REMEMBERED_TEXT:
                if len(self.known) >= REMEMBERED:
                    self.known.clear()
                self.known[key] = found
        return found

    def render(self, first: int, rows: list[Row]) -> tuple[str, int, int]:
        """The XML of `rows`, the first at zero-based row `first`; the last row and the widest
        column that got a cell (-1 if none)."""
        parts: list[str] = []
        columns, cell = self.columns, self.cell
        widest = last = -1
        for number, row in enumerate(rows, start=first + 1):
            cells = [f'<c r="{column}{number}"{cell(value)}'
                     for column, value in zip(columns, row, strict=False) if value is not None]
            if cells:
                parts.append(f'<row r="{number}">{"".join(cells)}</row>')
                last = number - 1
                widest = max(widest, max(index for index, value in enumerate(row)
                                         if value is not None))
        return "".join(parts), last, widest
