"""/export and /report through the bot: who gets which file, in which format."""

import io
import tempfile
import zipfile
from pathlib import Path

import pytest
from openpyxl import load_workbook

import services.export as export_module
from services.export import part as export_part
from tests.flows import active_pair
from tests.telegram import files, texts

pytestmark = pytest.mark.db


async def test_curator_exports_and_mentor_reports(running):
    curator, petr, anna = await active_pair(running)
    ((name, content),) = files(await curator.send("/export"))
    assert name == "mentoring_2026-11-22.xlsx"
    book = load_workbook(io.BytesIO(content), read_only=True)
    assert book.sheetnames[:5] == ["База наставников", "База наставляемых", "Пары", "Встречи",
                                   "Индивидуальные планы"]
    mentees = [row for row in book["База наставляемых"].iter_rows(values_only=True)]
    assert any("Наставляемая 0" in row for row in mentees[1:])
    assert "Выгрузка: МОУ СОШ №1 · Все формы" in curator.last.text
    ((name, content),) = files(await curator.send("/export csv"))
    assert name.endswith(".zip")
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        assert any(n.startswith("Пары") for n in archive.namelist())
    # The summary's button exports the scope it shows.
    await curator.send("/summary")
    await curator.press("ученик – ученик")
    ((name, content),) = files(await curator.press("Excel"))
    pairs_sheet = list(load_workbook(io.BytesIO(content), read_only=True)["Пары"]
                       .iter_rows(values_only=True))
    assert len(pairs_sheet) == 1  # headers only: the pair is «учитель – учитель»
    # The mentor's own report; the mentee and outsiders get none.
    ((name, content),) = files(await petr.send("/report"))
    assert name.startswith("mentor_report_")
    book = load_workbook(io.BytesIO(content), read_only=True)
    assert "Результаты" in book.sheetnames and "База наставников" not in book.sheetnames
    assert "пар 1" in petr.last.text
    assert texts(await anna.send("/report")) == [
        "Отчёт наставника доступен наставнику, у которого есть пара. Ваши пары — /pair."]
    assert texts(await petr.send("/export")) == ["Эта команда — для куратора программы."]
    assert texts(await curator.send("/export 2026-13-01")) == [
        "Выгрузка: /export — Excel, /export csv — CSV; период: /export 2026-09-01 2026-12-31"]


async def test_the_year_report_is_one_sheet_of_the_summarys_figures(running):
    """A school's end-of-year figures as the curator sends them upward: numbers as numbers,
    the indicators beside their targets; for the scope the summary shows, and only to those
    who may see it."""
    curator, petr, _ = await active_pair(running)
    await curator.send("/summary")
    said = await curator.press("Итоги года")
    ((name, content),) = files(said)
    assert name == "итоги-года_2026-11-22.xlsx"
    assert "Итоги года: МОУ СОШ №1 · 01.08.2026 – 22.11.2026" in curator.last.text
    book = load_workbook(io.BytesIO(content))
    assert book.sheetnames == ["Итоги года"]
    rows = [tuple(row) for row in book["Итоги года"].iter_rows(values_only=True)]
    cells = {row[0]: row[1:] for row in rows if row[0]}
    assert rows[0][0] == "Итоги программы наставничества (целевая модель)"
    assert rows[1][0] == "МОУ СОШ №1 · Все формы · 01.08.2026 – 22.11.2026"
    assert cells["Наставник (педагог)"][0] == 1 and cells["Наставляемый (педагог)"][0] == 1
    assert cells["учитель – учитель · работает"][0] == 1
    assert cells["«Диагностика профессиональных дефицитов»: заполнили"][0] == 1
    assert cells["Вовлечено молодых специалистов (1 из 1)"] == (100, 100, "Да")
    assert cells["Вовлечено педагогов (2 из 2)"] == (100, 70, "Да")
    # A pressed button of a school the presser does not curate gives nothing.
    _, data = curator.find_button("Итоги года")
    said = await petr.press_data(data)
    assert files(said) == [] and texts(said) == ["Эта команда — для куратора программы."]


def leftovers() -> set[Path]:
    """An export's temporary folders and sheet bodies (services.export.package)."""
    folder = Path(tempfile.gettempdir())
    return {*folder.glob("export-*"), *folder.glob("sheet-*.deflate")}


async def test_a_large_export_is_made_by_two_processes_into_the_same_file(running,
                                                                            monkeypatch):
    """Half of a region's sheets come from a second process (services.export.part), reading
    the same database with labels built there: the file is the one a single process
    makes, part by part, and no temporary file is left behind."""
    curator, _, _ = await active_pair(running)

    def parts(content: bytes) -> dict[str, bytes]:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            assert archive.testzip() is None  # every part's CRC holds
            # docProps hold the moment of writing.
            return {n: archive.read(n) for n in archive.namelist()
                    if not n.startswith("docProps/")}

    started = []
    real = export_part.made_elsewhere

    async def counted(job):
        started.append(job.tables)
        return await real(job)

    monkeypatch.setattr(export_module, "made_elsewhere", counted)
    ((_, alone),) = files(await curator.send("/export"))
    assert started == []  # a school: one process
    left_before = leftovers()
    monkeypatch.setattr(export_part, "PEOPLE_TO_SPLIT", 1)
    ((_, split),) = files(await curator.send("/export"))
    catalog = running.app.surveys.catalog
    # Pairs, plans and every questionnaire (Table.second).
    assert started == [(2, 4, *range(5, 5 + len(catalog)))]
    assert parts(split) == parts(alone)
    book = load_workbook(io.BytesIO(split), read_only=True)
    diagnosis = list(book["Диагностика дефицитов"].iter_rows(values_only=True))
    assert any("Наставляемая 0" in row for row in diagnosis[1:])
    assert leftovers() == left_before
    rows = sum(len(list(sheet.iter_rows())) - 1 for sheet in book.worksheets)
    assert f"Строк: {rows}" in curator.last.text
