"""«⚖️ Сравнить» under the summary, through the bot: what each row counts, how its chart's rows
are told apart, and what it says when there is nothing, or too much, to compare."""

import io
import re

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from handlers.callbacks import SummaryButton, SummaryView
from handlers.summary_scope import LATEST
from models import Municipality, School
from services import charts
from tests.flows import (
    SCHOOL,
    TEACHER_MENTEE,
    TEACHER_MENTOR,
    active_pair,
    become_coordinator,
    join,
    make_municipality,
    register,
    register_curator,
)
from tests.telegram import files, texts

pytestmark = pytest.mark.db
SECOND = "Гимназия 2"
ENSK, NORTH = "Городской округ Энск", "Северный район"


def sheet_rows(sent) -> dict[str, tuple]:
    """The comparison's XLSX: each row's figures by its name."""
    ((_, sheet), _) = files(sent)
    rows = list(load_workbook(io.BytesIO(sheet)).active.values)
    header = next(index for index, row in enumerate(rows) if row[0] == "Название")
    return {row[0]: row[1:] for row in rows[header + 2:]}


async def test_a_person_with_two_roles_is_one_participant(running):
    regional = await register_curator(running)
    petr = running.person(100)
    await join(running, regional, petr, TEACHER_MENTOR, "Наставник (педагог)")
    # Petr takes on a second role: he mentors and is mentored.
    await petr.send("/profile")
    await petr.press("Добавить роль")
    await petr.press("Наставляемый (педагог)")
    await petr.press("Молодой специалист")
    await register(running.person(101), {**TEACHER_MENTEE, "school": SECOND})
    await make_municipality(regional, ENSK, SCHOOL)
    await make_municipality(regional, NORTH, SECOND)
    await regional.send("/summary")
    assert "наставники-педагоги 1, наставляемые педагоги 2" in regional.last.text
    sent = await regional.press("Сравнить")
    (table,) = [text for text in texts(sent) if "Сравнение: муниципалитеты" in text]
    ensk, north = table.split(f"1. {ENSK}")[1].split(f"2. {NORTH}")
    assert "участников 1 ·" in ensk and "участников 1 ·" in north
    by_name = sheet_rows(sent)
    assert by_name[ENSK][0] == 1 and by_name[NORTH][0] == 1


async def test_long_names_with_one_beginning_get_distinct_numbered_chart_labels(
        running, monkeypatch):
    prefix = "Муниципальное бюджетное общеобразовательное учреждение "
    names = [prefix + "«Средняя школа № 5»", prefix + "«Лицей № 12»"]
    regional = await register_curator(running)
    await make_municipality(regional, ENSK, SCHOOL)
    async with running.session() as session:
        ensk = await session.scalar(select(Municipality.id))
        for name in names:
            session.add(School(name=name, normalized_name=name.casefold(), municipality_id=ensk))
        await session.commit()
    drawn = []
    draw = charts.comparison
    monkeypatch.setattr(charts, "comparison",
                        lambda title, places, *rest: drawn.append(places) or draw(title, places,
                                                                                   *rest))
    sent = await regional.press_data(SummaryButton(view=SummaryView.COMPARE,
                                                   municipality=ensk).pack())
    (table,) = [text for text in texts(sent) if "Сравнение: школы" in text]
    (places,) = drawn
    labels = charts.comparison_labels(places)
    assert len(set(labels)) == len(labels) == 3
    # Each label begins with its row's number in the text table.
    for number, (label, place) in enumerate(zip(labels, places, strict=True), start=1):
        assert label.startswith(f"{number}. ") and f"{number}. {place}" in table


async def test_nothing_to_compare_is_said_for_what_is_compared(running):
    regional = await register_curator(running)
    await register(running.person(101), {**TEACHER_MENTEE, "school": SECOND})
    await make_municipality(regional, ENSK, SCHOOL, SECOND)
    # The region: one municipality, and no school outside it.
    await regional.send("/summary")
    said = texts(await regional.press("Сравнить"))
    assert said == ["Сравнивать нечего: в регионе один муниципалитет, а школ вне муниципалитетов "
                    "нет. Сравнить его школы можно в сводке этого муниципалитета."]
    # A municipality without schools.
    await make_municipality(regional, NORTH)
    async with running.session() as session:
        north = await session.scalar(select(Municipality.id).where(Municipality.name == NORTH))
    said = texts(await regional.press_data(SummaryButton(view=SummaryView.COMPARE,
                                                         municipality=north).pack()))
    assert said == ["Сравнивать нечего: в этой выборке нет ни одной школы."]


async def test_too_many_schools_tells_a_coordinator_what_they_can_do(running, monkeypatch):
    regional = await register_curator(running)
    await register(running.person(101), {**TEACHER_MENTEE, "school": SECOND})
    await make_municipality(regional, ENSK, SCHOOL, SECOND)
    olga = await become_coordinator(running, regional, 700, ENSK)
    monkeypatch.setattr("handlers.comparison.MAX_COMPARED", 1)
    await olga.send("/summary")
    said = texts(await olga.press("Сравнить"))
    assert said == ["Слишком много школ, чтобы сравнить сразу (2, можно до 1): откройте сводку "
                    "отдельной школы в «🏫 Школа»."]


def test_the_fullest_summary_button_fits_telegrams_callback_data():
    """Every view with everything a button can carry: a school id of 6 digits, a municipality
    id of 4 (a region has at most a few thousand), a questionnaire id of 24 characters (the
    longest domain.questionnaire allows), a form, a period typed up to the last day /summary
    takes, and a page of the school picker. «⚖️ Сравнить», the one view of three letters, is
    made from the summary itself (handlers.summary), which names no questionnaire."""
    last = LATEST.toordinal()
    for view in SummaryView:
        code = "" if view is SummaryView.COMPARE else "q" * 24
        button = SummaryButton(view=view, school=999_999, municipality=9_999, form="tt",
                               since=last, until=last, code=code, page=99)
        assert len(button.pack().encode()) <= 64, view


def participants_of(summary: str) -> int:
    """The sum of the summary's «Участники за период» line."""
    line = next(line for line in summary.splitlines() if "Участники за период" in line)
    return sum(int(number) for number in re.findall(r"\d+", line))


async def test_a_municipalitys_summary_adds_up_its_schools_and_is_its_comparison_row(running):
    regional, _, _ = await active_pair(running)  # SCHOOL: a pair, a mentor and a mentee
    for telegram_id, name in ((940, "Житель"), (941, "Соседка")):
        await register(running.person(telegram_id),
                       {**TEACHER_MENTEE, "name": name, "school": SECOND})
    await make_municipality(regional, ENSK, SCHOOL, SECOND)
    await make_municipality(regional, NORTH)
    async with running.session() as session:
        schools = dict((await session.execute(select(School.name, School.id))).all())
        ensk = await session.scalar(select(Municipality.id).where(Municipality.name == ENSK))

    async def summary_of(**where) -> str:
        sent = await regional.press_data(SummaryButton(view=SummaryView.SUMMARY,
                                                       **where).pack())
        return next(text for text in texts(sent) if "Сводка" in text)

    municipal = await summary_of(municipality=ensk)
    apart = [participants_of(await summary_of(school=schools[name]))
             for name in (SCHOOL, SECOND)]
    assert apart == [2, 2] and participants_of(municipal) == 4
    sent = await regional.press_data(SummaryButton(view=SummaryView.COMPARE).pack())
    by_name = sheet_rows(sent)
    assert by_name[ENSK][:2] == (4, 1)  # participants, active pairs
    (table,) = [text for text in texts(sent) if "Сравнение: муниципалитеты" in text]
    row = table.split(f"1. {ENSK}")[1].split(f"2. {NORTH}")[0]
    assert "участников 4 · работающих пар 1" in row
    assert "работает · учитель – учитель: 1" in municipal
    # The KPIs as its summary has them.
    assert "Вовлечено молодых специалистов: 1 из 3 (33.3%)" in municipal
    assert "Вовлечено педагогов: 2 из 4 (50.0%)" in municipal
    assert "Вовлечено молодых 33.3% ⚠️" in row and "Вовлечено педагогов 50.0% ⚠️" in row
