"""Cells, sheet names and the two writers (XLSX, a ZIP of CSV files), which consume the same
table descriptions."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from services.export.table import (
    DATE_FORMAT,
    DATETIME_FORMAT,
    FORMULA_STARTS,
    SHEET_FORBIDDEN,
    SHEET_NAME_LIMIT,
    XLSX_DATE,
    XLSX_DATETIME,
    Row,
    Table,
    Value,
)


def safe_text(text: str) -> str:
    """Text a spreadsheet shows as typed instead of evaluating it."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def sheet_names(names: Iterable[str]) -> list[str]:
    """Valid, distinct Excel sheet names: no []:*?/\\, at most 31 characters, unique regardless
    of case (a clash gets « (2)», « (3)» …)."""
    taken: set[str] = set()
    result = []
    for name in names:
        base = _shorten(" ".join(SHEET_FORBIDDEN.sub(" ", name).split()).strip("'") or "Sheet")
        candidate = base[:SHEET_NAME_LIMIT].rstrip()
        number = 2
        while candidate.casefold() in taken:
            suffix = f" ({number})"
            candidate = base[:SHEET_NAME_LIMIT - len(suffix)].rstrip() + suffix
            number += 1
        taken.add(candidate.casefold())
        result.append(candidate)
    return result


def _shorten(name: str) -> str:
    """Abbreviate the longest words first («удовлетворённости» → «удовл.») until the name fits,
    so «Анкета удовлетворённости наставника» and «…наставляемого» stay apart."""
    words = name.split()
    while len(" ".join(words)) > SHEET_NAME_LIMIT:
        longest = max(range(len(words)), key=lambda i: len(words[i]))
        if len(words[longest]) <= 6:
            break
        words[longest] = words[longest][:5] + "."
    return " ".join(words)


class XlsxWriter:
    def __init__(self, target: BinaryIO) -> None:
        self.target = target
        self.book = Workbook(write_only=True)
        self.sheet: Any = None
        self.bold = Font(bold=True)

    def begin(self, table: Table) -> None:
        sheet = self.book.create_sheet(table.name)
        # Widths and panes must be set before the first row is written.
        for index, width in enumerate(table.widths, 1):
            sheet.column_dimensions[get_column_letter(index)].width = width
        sheet.freeze_panes = "A2"
        header = []
        for text in table.headers:
            cell = WriteOnlyCell(sheet, value=self._text(text))
            cell.font = self.bold
            header.append(cell)
        sheet.append(header)
        self.sheet = sheet

    def write(self, rows: list[Row]) -> None:
        for row in rows:
            self.sheet.append([self._cell(value) for value in row])

    def _cell(self, value: Value) -> Any:
        if isinstance(value, str):
            return self._text(value)
        if isinstance(value, date):
            cell = WriteOnlyCell(self.sheet, value=value)
            cell.number_format = XLSX_DATETIME if isinstance(value, datetime) else XLSX_DATE
            return cell
        return value

    @staticmethod
    def _text(text: str) -> str:
        # Control characters are not allowed in the XML of a sheet.
        return safe_text(ILLEGAL_CHARACTERS_RE.sub("", text))

    def end(self) -> None:
        self.sheet = None

    def finish(self) -> None:
        self.book.save(self.target)


class CsvWriter:
    """One CSV per table in a ZIP: `;` between fields and UTF-8 with a BOM, as Excel in Russian
    opens them with a double click."""

    def __init__(self, target: BinaryIO) -> None:
        self.archive = zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED)
        self.file: io.TextIOWrapper | None = None
        self.writer: Any = None

    def begin(self, table: Table) -> None:
        # Sheet names are already distinct and free of / and \.
        self.file = io.TextIOWrapper(self.archive.open(f"{table.name}.csv", "w"),
                                     encoding="utf-8-sig", newline="")
        self.writer = csv.writer(self.file, delimiter=";")
        self.writer.writerow([safe_text(header) for header in table.headers])

    def write(self, rows: list[Row]) -> None:
        self.writer.writerows([self._cell(value) for value in row] for row in rows)

    @staticmethod
    def _cell(value: Value) -> str:
        if value is None:
            return ""
        if isinstance(value, str):
            return safe_text(value)
        if isinstance(value, datetime):
            return value.strftime(DATETIME_FORMAT)
        if isinstance(value, date):
            return value.strftime(DATE_FORMAT)
        return str(value)

    def end(self) -> None:
        if self.file is not None:
            self.file.close()
        self.file = self.writer = None

    def finish(self) -> None:
        self.archive.close()
