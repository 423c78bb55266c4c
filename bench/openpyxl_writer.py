"""openpyxl's write-only workbook as an export writer, the candidate XlsxWriter replaced:
bench.desk --writers openpyxl,xlsxwriter measures both in one run."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, BinaryIO

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from services.export.cells import XlsxWriter
from services.export.table import XLSX_DATE, XLSX_DATETIME, Row, Table, Value


class OpenpyxlWriter:
    """The writer the export had before XlsxWriter: openpyxl's write-only workbook."""

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

    # The same text as the export's own writer puts in a cell.
    _text = staticmethod(XlsxWriter._text)

    def end(self) -> None:
        self.sheet = None

    def finish(self) -> None:
        self.book.save(self.target)
