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

from services.export.rows_xml import RowsXml
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
    as it is made, strings are written in line (no shared-string table held in memory), and the
    ZIP is assembled from those files at the end. XlsxWriter writes the workbook, the styles,
    each sheet's settings and header; the data rows' XML is made in batches by RowsXml, the
    same XML its per-cell API writes at a tenth of the cost, and appended to the sheet's row
    file (the four attributes of its Worksheet touched below are those its own writes keep;
    XlsxWriter is pinned, and test_export_xlsx compares the two byte for byte)."""

    def __init__(self, target: BinaryIO) -> None:
        # Values are typed by the tables: a string is never taken for a number, a formula or a
        # link (the formula guard is ours, in safe_text).
        self.book = xlsxwriter.Workbook(target, {
            "constant_memory": True, "strings_to_numbers": False,
            "strings_to_formulas": False, "strings_to_urls": False})
        self.bold = self.book.add_format({"bold": True})
        self.formats = {date: self.book.add_format({"num_format": XLSX_DATE}),
                        datetime: self.book.add_format({"num_format": XLSX_DATETIME})}
        # Numbered now, in a fixed order, rather than at their first cell.
        self.styles = {kind: style._get_xf_index()
                       for kind, style in ((None, self.bold), *self.formats.items())}
        self.sheet: Any = None
        self.rows: RowsXml | None = None
        self.row = 0

    def begin(self, table: Table) -> None:
        sheet = self.book.add_worksheet(table.name)
        for index, width in enumerate(table.widths):
            sheet.set_column(index, index, width)
        sheet.freeze_panes(1, 0)
        for index, text in enumerate(table.headers):
            sheet.write_string(0, index, self._text(text), self.bold)
        self.sheet, self.row = sheet, 1
        self.rows = RowsXml(len(table.headers), self.styles, self._text)

    def write(self, rows: list[Row]) -> None:
        sheet = self.sheet
        if self.row == 1:
            # The header row waits in XlsxWriter's table until a later row is written.
            sheet._write_single_row(1)
        xml, last, widest = self.rows.render(self.row, rows)
        sheet.fh.write(xml)
        self.row += len(rows)
        # What XlsxWriter's writes would have recorded: the extent of the data, and that
        # nothing is pending before the next row.
        sheet.previous_row = self.row
        if last >= 0:
            sheet.dim_rowmax = max(sheet.dim_rowmax, last)
            sheet.dim_colmax = max(sheet.dim_colmax, widest)

    @staticmethod
    def _text(text: str) -> str:
        # Control characters are not allowed in the XML of a sheet.
        return safe_text(ILLEGAL_CHARACTERS.sub("", text))

    def end(self) -> None:
        self.sheet = self.rows = None

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
