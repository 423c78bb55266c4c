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

from services.export.package import Deflated, SheetBody, assemble, discard
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


def cell_text(text: str) -> str:
    """A text as an XLSX cell holds it: control characters dropped (the XML of a sheet cannot
    hold them), the formula guard applied."""
    return safe_text(ILLEGAL_CHARACTERS.sub("", text))


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


class BodiesWriter:
    """The export's writer protocol (begin, write, end, finish, discard), keeping only each
    sheet's data rows: made as XML a batch at a time by RowsXml (the same XML XlsxWriter's
    per-cell API writes, at a tenth of the cost) and deflated into the sheet's body as they come
    (export.package). XlsxWriter below makes its sheets' rows with one; the second process of a
    split export (export.part) makes its with another, numbering the cell styles as its parent
    did."""

    def __init__(self, styles: dict[Any, int], directory: str | None = None) -> None:
        self.styles, self.directory = styles, directory
        self.bodies: list[Deflated] = []
        self.rows: RowsXml | None = None
        self.body: SheetBody | None = None
        self.row = 0

    def begin(self, table: Table) -> None:
        self.rows = RowsXml(len(table.headers), self.styles, cell_text)
        self.body = SheetBody(self.directory)
        self.row = 1

    def write(self, rows: list[Row]) -> None:
        xml, last, widest = self.rows.render(self.row, rows)
        self.body.add(xml, len(rows), last, widest)
        self.row += len(rows)

    def end(self) -> Deflated:
        made = self.body.finish()
        self.bodies.append(made)
        self.rows = self.body = None
        return made

    def finish(self) -> None:
        pass

    def discard(self) -> None:
        if self.body is not None:
            self.body.discard()
            self.body = None
        for body in self.bodies:
            discard(body)
        self.bodies.clear()


class XlsxWriter:
    """XlsxWriter writes the workbook, the styles, each sheet's settings and header row; the
    data rows are made and deflated as they come by a BodiesWriter, so peak memory stays about
    one batch and nothing is left to compress at the end. A sheet's body may also come ready
    from another process (`adopt`). XlsxWriter is pinned, and test_export_xlsx compares the
    package with its own cell-by-cell one, part by part."""

    def __init__(self, target: BinaryIO, directory: str | None = None) -> None:
        """`directory`: where the sheets' bodies wait (the system's temporary folder)."""
        self.target = target
        self.skeleton = io.BytesIO()
        # Values are typed by the tables: a string is never taken for a number, a formula or a
        # link (the formula guard is ours, in safe_text).
        self.book = xlsxwriter.Workbook(self.skeleton, {
            "constant_memory": True, "strings_to_numbers": False,
            "strings_to_formulas": False, "strings_to_urls": False})
        self.bold = self.book.add_format({"bold": True})
        self.formats = {date: self.book.add_format({"num_format": XLSX_DATE}),
                        datetime: self.book.add_format({"num_format": XLSX_DATETIME})}
        # Numbered now, in a fixed order, rather than at their first cell.
        self.styles = {kind: style._get_xf_index()
                       for kind, style in ((None, self.bold), *self.formats.items())}
        self.made = BodiesWriter(self.styles, directory)
        self.sheet: Any = None
        self.bodies: dict[str, Deflated] = {}
        self.sheets: dict[str, Any] = {}

    def prepare(self, tables: list[Table]) -> None:
        """Adds the tables' sheets in this order, before any is written."""
        for table in tables:
            self._add_sheet(table)

    def begin(self, table: Table) -> None:
        self._add_sheet(table)
        self.made.begin(table)

    def _add_sheet(self, table: Table) -> None:
        """The table's sheet with its header row (added once)."""
        sheet = self.sheets.get(table.name)
        if sheet is None:
            sheet = self.sheets[table.name] = self.book.add_worksheet(table.name)
            for index, width in enumerate(table.widths):
                sheet.set_column(index, index, width)
            sheet.freeze_panes(1, 0)
            for index, text in enumerate(table.headers):
                sheet.write_string(0, index, self._text(text), self.bold)
        self.sheet = sheet

    def write(self, rows: list[Row]) -> None:
        self.made.write(rows)

    def adopt(self, table: Table, body: Deflated) -> None:
        """A sheet whose rows another process has made (export.part), with RowsXml and the
        styles numbered as here."""
        self._add_sheet(table)
        self._place(body)

    def _place(self, body: Deflated) -> None:
        sheet = self.sheet
        # XlsxWriter's <dimension> covers the rows it never saw.
        if body.last_row >= 0:
            sheet.dim_rowmax = max(sheet.dim_rowmax, body.last_row)
            sheet.dim_colmax = max(sheet.dim_colmax, body.widest)
        self.bodies[f"xl/worksheets/sheet{sheet.index + 1}.xml"] = body
        self.sheet = None

    _text = staticmethod(cell_text)

    def end(self) -> None:
        self._place(self.made.end())

    def finish(self) -> None:
        try:
            self.book.close()
            assemble(self.skeleton.getvalue(), self.bodies, self.target)
        finally:
            self.discard()

    def discard(self) -> None:
        """Removes the sheets' temporary files (after a failure, too)."""
        self.made.discard()
        for body in self.bodies.values():
            discard(body)
        self.bodies.clear()


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

    def discard(self) -> None:
        """Nothing of its own to remove: the ZIP is written into the target as it goes."""
