"""The XLSX writer on its own: what a curator sees in a cell, read back with openpyxl."""

import io
import zipfile
import zlib
from datetime import date, datetime
from pathlib import Path

import openpyxl
from hypothesis import given, settings
from hypothesis import strategies as st

from domain.roles import Role
from services.export.cells import XlsxWriter
from services.export.package import SheetBody, assemble, crc32_combine, discard
from services.export.part import helper_for
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


class CellByCell(XlsxWriter):
    """The export's writer as it was: every cell through XlsxWriter's own typed writes."""

    def begin(self, table):
        super().begin(table)
        self.row = 1

    def write(self, rows):
        sheet, number = self.sheet, self.row
        for row in rows:
            for index, value in enumerate(row):
                if isinstance(value, str):
                    sheet.write_string(number, index, self._text(str(value)))
                elif isinstance(value, datetime):
                    sheet.write_datetime(number, index, value, self.formats[datetime])
                elif isinstance(value, date):
                    sheet.write_datetime(number, index, value, self.formats[date])
                elif value is not None:
                    sheet.write_number(number, index, value)
            number += 1
        self.row = number


class Moment(datetime):
    pass


def sheets_of(writer_class, tables: list[tuple[str, list[list]]]) -> dict[str, bytes]:
    target = io.BytesIO()
    writer = writer_class(target)
    for name, rows in tables:
        writer.begin(Table(name, ["A", "B", "C", "D", "E"], [10] * 5, None))
        for start in range(0, len(rows), 3):  # in batches, as the export hands them over
            writer.write(rows[start:start + 3])
        writer.end()
    writer.finish()
    with zipfile.ZipFile(io.BytesIO(target.getvalue())) as archive:
        # docProps hold the moment of writing; everything else must be the same.
        return {name: archive.read(name) for name in archive.namelist()
                if not name.startswith("docProps/")}


def test_rows_are_the_xml_xlsxwriter_writes_cell_by_cell():
    emoji = "😀" * 20000  # 40,000 UTF-16 units: cut at 32,767 without splitting one
    rows = [["=1+2", 7, date(2026, 9, 1), datetime(2026, 9, 1, 12, 30, 15, 500000), None],
            [" leading", "trailing\n", "a & b < c > d \"q\" 'a'", "_x0041_ and _xZZZZ_", ""],
            [None, None, None, None, None],
            ["\ufffe\uffff", True, -3.25, 10 ** 20, 1 / 3],
            [Role.MENTOR_TEACHER, Moment(1900, 1, 1, 6), date(1900, 2, 28), date(1900, 3, 1),
             datetime(1899, 12, 31)],
            ["x" * 40000, emoji, "a\x00b\x1fc\td", "@mention", "-1"],
            [None, None, None, None, 0]]
    tables = [("Один", rows), ("Пустой", []), ("Два", rows[::-1])]
    assert sheets_of(XlsxWriter, tables) == sheets_of(CellByCell, tables)


@given(st.binary(max_size=300), st.binary(max_size=3000))
def test_crc32_combine_is_the_crc_of_the_concatenation(first, second):
    assert crc32_combine(zlib.crc32(first), zlib.crc32(second), len(second)) == zlib.crc32(
        first + second)


@given(st.lists(st.text(max_size=2000), max_size=6))
@settings(deadline=None, max_examples=40)
def test_a_sheet_body_deflated_in_pieces_reads_back_whole(pieces):
    """A body deflated as it comes, between a head and a tail deflated apart, is one valid
    deflate stream with the right CRC: what zipfile (and Excel) read back."""
    body = SheetBody()
    for number, piece in enumerate(pieces):
        body.add(piece, 1, number, 0)
    deflated = body.finish()
    skeleton = io.BytesIO()
    with zipfile.ZipFile(skeleton, "w") as archive:
        archive.writestr("xl/worksheets/sheet1.xml", "<sheetData><row/></sheetData><tail/>")
        archive.writestr("other.xml", "<other/>")
    target = io.BytesIO()
    assemble(skeleton.getvalue(), {"xl/worksheets/sheet1.xml": deflated}, target)
    with zipfile.ZipFile(io.BytesIO(target.getvalue())) as archive:
        assert archive.testzip() is None
        assert archive.read("xl/worksheets/sheet1.xml").decode() == (
            "<sheetData><row/>" + "".join(pieces) + "</sheetData><tail/>")
        assert archive.read("other.xml") == b"<other/>"
    assert deflated.rows == len(pieces) and deflated.last_row == len(pieces) - 1
    discard(deflated)
    assert not Path(deflated.path).exists()


def test_a_second_process_is_helped_only_to_a_database_it_can_open(monkeypatch, tmp_path):
    """services.export.part.helper_for: an SQLite file by its absolute path (the child starts
    in the project's folder, the bot perhaps elsewhere), none for a database in memory."""
    monkeypatch.chdir(tmp_path)
    helper = helper_for("sqlite+aiosqlite:///data/bot.sqlite3", str)
    assert helper.database_url == f"sqlite+aiosqlite:///{tmp_path / 'data' / 'bot.sqlite3'}"
    assert helper_for("sqlite+aiosqlite://", str) is None
    assert helper_for("sqlite+aiosqlite:///:memory:", str) is None
    server = "postgresql+asyncpg://bot:secret@db:5432/bot"
    assert helper_for(server, str).database_url == server
