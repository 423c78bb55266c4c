"""The XLSX writer on its own: what a curator sees in a cell, read back with openpyxl."""

import io
from datetime import date, datetime

import openpyxl

from services.export.cells import XlsxWriter
from services.export.table import XLSX_DATE, XLSX_DATETIME, Table


def written(rows: list[list], widths: list[int]) -> openpyxl.Workbook:
    target = io.BytesIO()
    writer = XlsxWriter(target)
    for name in ("Первый лист", "Второй"):
        writer.begin(Table(name, ["Текст", "Число", "Дата", "Момент"], widths, None))
        writer.write(rows)
        writer.end()
    writer.finish()
    return openpyxl.load_workbook(io.BytesIO(target.getvalue()))


def test_cells_keep_their_types_formats_and_guards():
    book = written([["=1+2", 7, date(2026, 9, 1), datetime(2026, 9, 1, 12, 30)],
                    ["https://t.me/anna", 2.5, None, None],
                    ["0123", None, None, None],
                    ["a\x00b\x1fc\td", None, None, None]], [32, 10, 12, 17])
    assert book.sheetnames == ["Первый лист", "Второй"]
    sheet = book["Первый лист"]
    rows = [tuple(row) for row in sheet.iter_rows(values_only=True)]
    assert rows == [("Текст", "Число", "Дата", "Момент"),
                    ("'=1+2", 7, datetime(2026, 9, 1), datetime(2026, 9, 1, 12, 30)),
                    ("https://t.me/anna", 2.5, None, None),
                    ("0123", None, None, None),
                    ("abc\td", None, None, None)]
    # Text stays text: no formula, no hyperlink, no number.
    assert sheet["A2"].data_type == "s" and sheet["A3"].hyperlink is None
    assert (sheet["C2"].number_format, sheet["D2"].number_format) == (XLSX_DATE, XLSX_DATETIME)
    assert all(cell.font.b for cell in sheet[1]) and not sheet["A2"].font.b
    assert sheet.freeze_panes == "A2"
    # XlsxWriter stores a width with Excel's padding: about the given characters.
    assert [round(sheet.column_dimensions[c].width) for c in "ABCD"] == [33, 11, 13, 18]
