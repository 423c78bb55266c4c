"""Cells, sheet names and the two writers (XLSX, a ZIP of CSV files), which consume the same
table descriptions."""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Iterable
from datetime import date, datetime
from typing import Any, BinaryIO

import xlsxwriter

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

# What the XML of a sheet cannot hold: control characters other than tab, LF and CR.
ILLEGAL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


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
    """XlsxWriter in constant_memory mode: each row goes to its sheet's temporary file as soon
    as the next one begins, strings are written in line (no shared-string table held in
    memory), and the ZIP is assembled from those files at the end. It writes a region several
    times faster than openpyxl's write-only workbook did (bench.desk)."""

    def __init__(self, target: BinaryIO) -> None:
        # Values are typed by the tables: a string is never taken for a number, a formula or a
        # link (the formula guard is ours, in safe_text).
        self.book = xlsxwriter.Workbook(target, {
            "constant_memory": True, "strings_to_numbers": False,
            "strings_to_formulas": False, "strings_to_urls": False})
        self.bold = self.book.add_format({"bold": True})
        self.formats = {date: self.book.add_format({"num_format": XLSX_DATE}),
                        datetime: self.book.add_format({"num_format": XLSX_DATETIME})}
        self.sheet: Any = None
        self.row = 0

    def begin(self, table: Table) -> None:
        sheet = self.book.add_worksheet(table.name)
        for index, width in enumerate(table.widths):
            sheet.set_column(index, index, width)
        sheet.freeze_panes(1, 0)
        for index, text in enumerate(table.headers):
            sheet.write_string(0, index, self._text(text), self.bold)
        self.sheet, self.row = sheet, 1

    def write(self, rows: list[Row]) -> None:
        sheet, number, formats = self.sheet, self.row, self.formats
        for row in rows:
            for index, value in enumerate(row):
                kind = type(value)
                if kind is str:
                    sheet.write_string(number, index, self._text(value))
                elif kind is int or kind is float:
                    sheet.write_number(number, index, value)
                elif kind in formats:
                    sheet.write_datetime(number, index, value, formats[kind])
                elif value is not None:
                    self._other(number, index, value)
            number += 1
        self.row = number

    def _other(self, row: int, column: int, value: Value) -> None:
        """What the fast path's exact types miss: subclasses (an IntEnum, a pendulum date)."""
        if isinstance(value, str):
            self.sheet.write_string(row, column, self._text(str(value)))
        elif isinstance(value, datetime):
            self.sheet.write_datetime(row, column, value, self.formats[datetime])
        elif isinstance(value, date):
            self.sheet.write_datetime(row, column, value, self.formats[date])
        else:
            self.sheet.write_number(row, column, value)

    @staticmethod
    def _text(text: str) -> str:
        # Control characters are not allowed in the XML of a sheet.
        return safe_text(ILLEGAL_CHARACTERS.sub("", text))

    def end(self) -> None:
        self.sheet = None

    def finish(self) -> None:
        self.book.close()


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
