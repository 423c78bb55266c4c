"""Exports (services.export) of data made through the bot: the bases of mentors and mentees,
pairs, meetings, plans and questionnaires as XLSX and as CSV in a ZIP, in either language, kept
to the curator's schools; and a mentor's own report."""

import asyncio
import csv
import io
import re
import subprocess
import sys
import zipfile
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import openpyxl
import pytest
from sqlalchemy import select

from bot.config import PROJECT_ROOT
from bot.html import plain
from bot.plain_text import PlainLabels
from models import Answer, Profile, Response, School, User, UserRole
from services.export import Helper, export, safe_text, sheet_names
from services.export import part as export_part
from services.export import tables as export_tables
from services.export.tables import Tables
from services.reports import EARLIEST, Scope
from tests.flows import (
    PUPIL_MENTEE,
    PUPIL_MENTOR,
    SHIPPED,
    TEACHER_MENTOR,
    active_pair,
    diagnose,
    join,
    rediagnose,
    register,
    stored_user,
)
from tests.telegram import texts
from tests.test_export_commands import leftovers

AREAS = SHIPPED.purposes.areas

pytestmark = pytest.mark.db

ZONE = ZoneInfo("Europe/Moscow")
# Responses carry the wall clock's time, the rest the test clock's: a period wide enough for both.
UNTIL = datetime(2100, 1, 1, tzinfo=UTC)
GOAL = '=HYPERLINK("http://evil.example","Посетить уроки")'
NOTE = "+1 урок: разобрали ошибки"
SHEETS = ["База наставников", "База наставляемых", "Пары", "Встречи", "Индивидуальные планы"]


async def build(running, clock):
    """A teacher pair (plan item, held meeting, two diagnoses) and a pupil pair, one school."""
    curator, petr, anna = await active_pair(running)
    await rediagnose(anna, [1, 1, 0, 0, 0, 0, 0, 1])
    await petr.send("/plan")
    await petr.press("Добавить пункт")
    await petr.send(GOAL)
    await petr.send("25.12")
    await petr.send("/meet")
    await petr.press("25.11")
    await petr.send("15:30")
    await petr.send("Кабинет 12")
    await petr.send("Разбор урока")
    await petr.press("Сделаем вместе")
    await petr.press("Один раз")
    await anna.press("Принять")
    clock.current = datetime(2026, 11, 25, 13, 30, tzinfo=UTC)
    await running.outbox.pump()
    await petr.press("Да")
    await petr.send(NOTE)
    await anna.press("4")
    masha, kolya = running.person(300), running.person(301)
    await join(running, curator, masha, PUPIL_MENTOR, "Ученик-наставник")
    said = texts(await masha.send("/invite"))
    code = re.search(r"<code>([A-Z0-9-]+)</code>", next(t for t in said if "<code>" in t))
    await join(running, curator, kolya, PUPIL_MENTEE, "Ученик-наставляемый")
    await kolya.send(f"/join {code.group(1)}")
    await kolya.press("Согласен")
    await masha.press("Согласен")
    return curator, petr, anna, masha


async def run_export(running, scope, *, locale="ru", fmt="xlsx", mentor_id=None, now=None,
                     helper=None):
    core = running.app.i18n_core

    def label(key, **params):
        return plain(core.get(key, locale, **params))

    target = io.BytesIO()
    async with running.session() as session:
        count = await export(session, scope, running.app.surveys.catalog, label, locale, ZONE,
                             fmt, target, mentor_id, now=now or running.app.clock.now(),
                             profile=running.app.profiles.form, helper=helper)
    return count, target.getvalue()


def workbook(data: bytes) -> dict[str, list[tuple]]:
    book = openpyxl.load_workbook(io.BytesIO(data))
    return {sheet.title: [tuple(row) for row in sheet.iter_rows(values_only=True)]
            for sheet in book.worksheets}


def records(rows: list[tuple]) -> list[dict]:
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def as_csv(value) -> str:
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.strftime("%d.%m.%Y" if value.time() == datetime.min.time()
                              else "%d.%m.%Y %H:%M")
    return str(value)


async def school_id(running, name: str) -> int:
    async with running.session() as session:
        return await session.scalar(select(School.id).where(School.name == name))


async def user_id(running, person) -> int:
    async with running.session() as session:
        return (await stored_user(session, person.user.id)).id


async def test_curator_and_mentor_exports(running, clock):
    _, petr_chat, _, masha_chat = await build(running, clock)
    first = await school_id(running, "МОУ СОШ №1")
    scope = Scope((first,), None, EARLIEST, UNTIL)
    count, data = await run_export(running, scope)
    book = workbook(data)
    catalog = running.app.surveys.catalog
    assert list(book)[:5] == SHEETS and len(book) == 5 + len(catalog)
    # Each questionnaire's sheet is its short title, whole.
    assert {catalog.short_title(q.id, "ru") for q in catalog} <= set(book)
    assert "Диагностика дефицитов" in book
    assert count == sum(len(rows) - 1 for rows in book.values())

    mentors = {r["ФИО"]: r for r in records(book["База наставников"])}
    assert set(mentors) == {"Наставник 0", "Кузнецова Маша"}
    petr = mentors["Наставник 0"]
    assert (petr["Роль"], petr["Школа"], petr["Форма"], petr["Контакт"]) == (
        "Наставник (педагог)", "МОУ СОШ №1", "учитель – учитель", "tg://user?id=100")
    assert petr["Место работы (учёбы), должность"] == "МОУ СОШ №1, учитель (Математика)"
    assert petr["Ключевые компетенции"] == (
        "формы и методы обучения; педагогические технологии; оценка результатов обучения; "
        "контроль и оценивание, электронные документы")
    assert petr["Стаж, лет"] == 25 and "Предметник" in petr["Типы наставника"]
    assert (petr["Наставляемые"], petr["Даты"], petr["Результаты"]) == (
        "Наставляемая 0", "22.11.2026 – 31.05.2027", "завершено 0 из 1")
    assert isinstance(petr["Подтверждён"], datetime)  # joined by the school's invite
    masha = mentors["Кузнецова Маша"]
    assert masha["Место работы (учёбы), должность"] == "МОУ СОШ №1, ученик 10 класса"
    assert (masha["Форма"], masha["Ключевые компетенции"], masha["Наставляемые"]) == (
        "ученик – ученик", "Проекты и олимпиады", "Сидоров Коля")
    # Pupils pair only once a curator has confirmed them (here: the school's invitation).
    assert isinstance(masha["Подтверждён"], datetime)

    mentees = {r["ФИО"]: r for r in records(book["База наставляемых"])}
    anna = mentees["Наставляемая 0"]
    assert anna["Класс / стаж и категория"] == "стаж 2 года; Молодой специалист (стаж 0–3 года)"
    assert anna["Запрос"] == ("формы и методы обучения; педагогические технологии; "
                              "охрана жизни и здоровья учеников")
    assert (anna["Наставник"], anna["Дата вхождения"], anna["Дата завершения"]) == (
        "Наставник 0", datetime(2026, 11, 22), datetime(2027, 5, 31))
    assert anna["Результаты"] == "8 → 3"
    kolya = mentees["Сидоров Коля"]
    assert (kolya["Класс / стаж и категория"], kolya["Запрос"], kolya["Наставник"]) == (
        "7 класс", "Учёба, успеваемость", "Кузнецова Маша")

    pairs = {r["Наставник"]: r for r in records(book["Пары"])}
    pair = pairs["Наставник 0"]
    assert (pair["Статус"], pair["Вариант"], pair["Наставляемые"]) == (
        "работает", "опытный педагог – молодой специалист", "Наставляемая 0")
    assert (pair["Встреч проведено за период"], pair["Пунктов плана выполнено"],
            pair["Пунктов плана всего"]) == (1, 0, 4)
    assert pairs["Кузнецова Маша"]["Форма"] == "ученик – ученик"

    plan = [r for r in records(book["Индивидуальные планы"]) if r["Пара №"] == pair["Пара №"]]
    assert [r["№"] for r in plan] == [1, 2, 3, 4]
    assert plan[0]["Цель"] == "Преодолеть затруднения: формы и методы обучения"
    assert (plan[3]["Цель"], plan[3]["Срок"]) == ("'" + GOAL, datetime(2026, 12, 25))

    (meeting,) = records(book["Встречи"])
    assert (meeting["Дата и время"], meeting["Место"], meeting["Модель"], meeting["Статус"],
            meeting["Состоялась"], meeting["Оценка наставляемого"]) == (
        datetime(2026, 11, 25, 15, 30), "Кабинет 12", "«Сделаем вместе»", "согласована", "Да", 4)
    assert meeting["Заметка наставника"] == "'" + NOTE

    questionnaire = catalog.get("diagnosis_mentee")
    rows = book["Диагностика дефицитов"]
    assert len(rows[0]) == 5 + len(questionnaire.questions)
    assert rows[0][5] == questionnaire.questions[0].text.get("ru")
    answers = records(rows)
    assert [r["ФИО"] for r in answers] == ["Наставляемая 0"] * 2
    # The mentee's situation is the profile's answer (in the base of mentees above), asked once.
    assert questionnaire.question("category") is None
    assert [answers[0][q.text.get("ru")] for q in questionnaire.questions[:8]] == \
        [3, 2, 0, 0, 0, 0, 0, 3]
    assert answers[1][questionnaire.question("expected_help").text.get("ru")] == "Уже лучше"

    # The same tables as CSV files: one per sheet, `;`, UTF-8 with a BOM.
    csv_count, packed = await run_export(running, scope, fmt="csv")
    archive = zipfile.ZipFile(io.BytesIO(packed))
    assert archive.namelist() == [f"{name}.csv" for name in book]
    assert csv_count == count
    for name, rows in book.items():
        raw = archive.read(f"{name}.csv")
        assert raw.startswith(b"\xef\xbb\xbf")
        parsed = list(csv.reader(io.StringIO(raw.decode("utf-8-sig")), delimiter=";"))
        assert parsed == [[as_csv(value) for value in row] for row in rows], name

    # English: sheets and headers in the curator's language.
    _, data = await run_export(running, scope, locale="en")
    english = workbook(data)
    assert list(english)[:5] == ["Mentors", "Mentees", "Pairs", "Meetings", "Individual plans"]
    assert english["Pairs"][0][:3] == ("Pair no.", "School", "Form")
    assert "Deficit diagnosis" in english
    assert ("Mentor (teacher)" in english["Mentors"][1] or
            "Mentor (teacher)" in english["Mentors"][2])

    # A period that ends before the meeting has no meeting, and counts none as held.
    _, data = await run_export(running, Scope((first,), None, EARLIEST,
                                              datetime(2026, 11, 24, tzinfo=UTC)))
    early = workbook(data)
    assert len(early["Встречи"]) == 1
    assert {r["Встреч проведено за период"] for r in records(early["Пары"])} == {0}

    # A mentor's own report: the scope's schools do not matter, only its period.
    scope = Scope((first + 1000,), None, EARLIEST, UNTIL)
    count, data = await run_export(running, scope, mentor_id=await user_id(running, petr_chat))
    book = workbook(data)
    assert list(book) == ["Пары", "Встречи", "Индивидуальные планы", "Результаты"]
    assert count == sum(len(rows) - 1 for rows in book.values())
    assert [r["Наставник"] for r in records(book["Пары"])] == ["Наставник 0"]
    assert {r["Наставник"] for r in records(book["Индивидуальные планы"])} == {"Наставник 0"}
    (meeting,) = records(book["Встречи"])
    assert meeting["Заметка наставника"] == "'" + NOTE
    results = records(book["Результаты"])
    assert [r["Область"] for r in results] == [
        running.app.i18n_core.get(f"area-{area}", "ru") for area in AREAS]
    assert {r["Наставляемый"] for r in results} == {"Наставляемая 0"}
    assert [(r["До"], r["После"]) for r in results] == [
        (3, 1), (2, 1), (0, 0), (0, 0), (0, 0), (0, 0), (0, 0), (3, 1)]

    _, data = await run_export(running, scope, mentor_id=await user_id(running, masha_chat))
    book = workbook(data)
    assert [(r["Наставник"], r["Наставляемые"]) for r in records(book["Пары"])] == [
        ("Кузнецова Маша", "Сидоров Коля")]
    assert len(book["Встречи"]) == 1 and len(book["Результаты"]) == 1  # pupils: no diagnosis


async def test_nothing_leaks_across_schools(running, clock):
    await build(running, clock)
    orlov = running.person(3)
    await register(orlov, {**TEACHER_MENTOR, "school": "Гимназия 2", "name": "Орлов Олег"})
    await orlov.send("/surveys")
    await diagnose(orlov, [0, 0, 0, 0, 2, 2, 3, 3], "Диагностика: сильные")
    first = await school_id(running, "МОУ СОШ №1")
    second = await school_id(running, "Гимназия 2")

    _, data = await run_export(running, Scope((second,), None, EARLIEST, UNTIL))
    book = workbook(data)
    cells = {value for rows in book.values() for row in rows[1:] for value in row}
    assert "Орлов Олег" in cells
    assert not {"Наставник 0", "Наставляемая 0", "Кузнецова Маша", "Сидоров Коля",
                "МОУ СОШ №1"} & cells
    (orlov_row,) = records(book["База наставников"])
    assert orlov_row["Ключевые компетенции"] == (
        "рабочие программы; связь с учениками и родителями; контакты с коллегами; "
        "охрана жизни и здоровья учеников")
    assert [len(book[name]) for name in SHEETS[1:]] == [1, 1, 1, 1]  # headers only
    (strengths,) = records(book["Сильные стороны наставника"])
    assert strengths["ФИО"] == "Орлов Олег" and strengths["Школа"] == "Гимназия 2"

    _, data = await run_export(running, Scope((first,), None, EARLIEST, UNTIL))
    cells = {value for rows in workbook(data).values() for row in rows for value in row}
    assert "Орлов Олег" not in cells and "Гимназия 2" not in cells
    # A form narrows the same way: only the pupils of «ученик – ученик» are left.
    _, data = await run_export(running, Scope((first,), "pupil_pupil", EARLIEST, UNTIL))
    book = workbook(data)
    assert [r["ФИО"] for r in records(book["База наставников"])] == ["Кузнецова Маша"]
    assert [r["Наставник"] for r in records(book["Пары"])] == ["Кузнецова Маша"]


def test_the_module_needs_no_telegram():
    probe = ("import sys, services.export; "
             "print(sorted(m for m in sys.modules if m.split('.')[0] in ('aiogram', 'handlers')))")
    found = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True,
                           check=True, cwd=PROJECT_ROOT)
    assert found.stdout.strip() == "[]"


def test_cells_and_sheet_names():
    assert [safe_text(t) for t in ("=1+2", "+7 900", "-5", "@SUM(A1)", "Итог", "")] == [
        "'=1+2", "'+7 900", "'-5", "'@SUM(A1)", "Итог", ""]
    names = sheet_names(["Анкета удовлетворённости наставляемого",
                         "Анкета удовлетворённости наставника", "Диагностика: сильные [1]/2?",
                         "ПАРЫ", "пары"])
    assert names == ["Анкета удовл. наставляемого", "Анкета удовл. наставника",
                     "Диагностика сильные 1 2", "ПАРЫ", "пары (2)"]
    assert all(len(name) <= 31 for name in names)


async def test_unknown_format_is_refused(running):
    with pytest.raises(ValueError, match="unknown export format"):
        await run_export(running, Scope(None, None, EARLIEST, UNTIL), fmt="pdf")


async def test_answers_come_out_as_they_were_stored(running):
    """A questionnaire sheet reads each response's answers as one JSON object from the
    database: every value comes out as the ORM reads it from its own row, whatever its JSON
    shape (reals to the last digit, on SQLite too), skipped and empty ones left out."""
    questionnaire = running.app.surveys.catalog.get("satisfaction_mentee")
    odd = [7, 0.1 + 0.2, 1e20, -2, True, "«текст» с \"кавычками\" & <угловыми>", [1, "два"],
           {"a": [None, 1.5]}, 2.5, "", 12345678901234567]
    async with running.session() as session:
        school = School(name="S", normalized_name="s")
        session.add(school)
        await session.flush()
        user = User(telegram_id=9200, consent_at=UNTIL)
        user.profile = Profile(full_name="Мария", school_id=school.id)
        user.roles = [UserRole(role="mentee_teacher", form="teacher_teacher",
                               school_id=school.id, is_active=True,
                               created_at=UNTIL - timedelta(days=3))]
        session.add(user)
        await session.flush()
        for shift in range(len(odd)):
            response = Response(user_id=user.id, questionnaire_code=questionnaire.id,
                                questionnaire_version=questionnaire.version,
                                role="mentee_teacher", started_at=UNTIL - timedelta(days=2),
                                completed_at=UNTIL - timedelta(days=1))
            response.answers = [
                Answer(question_id=question.id, value=odd[(index + shift) % len(odd)],
                       skipped=index == shift)
                for index, question in enumerate(questionnaire.questions[:len(odd)])]
            response.answers.append(Answer(question_id=questionnaire.questions[-1].id,
                                           value=None, skipped=True))
            session.add(response)
        await session.commit()
        stored = (await session.execute(
            select(Answer.response_id, Answer.question_id, Answer.value, Answer.skipped)
            .order_by(Answer.response_id))).all()
        tables = Tables(session, Scope(None, None, EARLIEST, UNTIL), running.app.surveys.catalog,
                        lambda key, **params: key, "ru", ZoneInfo("Europe/Moscow"),
                        UNTIL, None, None)
        rows = [row async for row in tables._answer_rows(questionnaire)]
    by_response: dict[int, list] = {}
    for response_id, question_id, value, skipped in stored:
        values = by_response.setdefault(response_id, [None] * len(questionnaire.questions))
        if not skipped and value is not None:
            index = [q.id for q in questionnaire.questions].index(question_id)
            values[index] = tables._answer(questionnaire.questions[index], value, {})
    expected = [values for _, values in sorted(by_response.items())]
    assert [row[5:] for row in rows] == expected
    assert 0.1 + 0.2 in {value for row in expected for value in row}


@pytest.mark.parametrize("remembered", [1, 50_000])
async def test_rows_fetched_a_few_at_a_time_give_the_same_export(running, clock, monkeypatch,
                                                                  remembered):
    """Partitions of one row, and the mentees' names remembered across them (or forgotten at
    every new pair), change nothing in the file."""
    await build(running, clock)
    scope = Scope(None, None, EARLIEST, UNTIL)
    _, whole = await run_export(running, scope)
    monkeypatch.setattr(export_tables, "PARTITION", 1)
    monkeypatch.setattr(export_tables, "PAIRS_REMEMBERED", remembered)
    _, piecemeal = await run_export(running, scope)
    expected = workbook(whole)
    assert workbook(piecemeal) == expected
    mentees = {row["Наставляемые"] for row in records(expected["Встречи"])}
    assert mentees and "" not in mentees


async def test_a_second_process_that_fails_or_is_cancelled_leaves_nothing_behind(running,
                                                                                monkeypatch):
    """A split export (services.export.part) whose second process cannot read fails with that
    process's error; one cancelled meanwhile (the bot stopping) kills it. Neither leaves a
    temporary file."""
    await active_pair(running)
    monkeypatch.setattr(export_part, "PEOPLE_TO_SPLIT", 1)
    scope = Scope(None, None, EARLIEST, UNTIL)
    labels = PlainLabels(str(PROJECT_ROOT / "locales" / "{locale}"), "ru")
    before = leftovers()
    refused = Helper("postgresql+asyncpg://nobody@127.0.0.1:9/none", labels)
    with pytest.raises(RuntimeError, match="a part of the export failed in its process"):
        await run_export(running, scope, helper=refused)
    assert leftovers() == before

    # A server that takes the child's connection and never answers: the child waits.
    connected, closed = asyncio.Event(), asyncio.Event()

    async def silent(reader, writer):
        connected.set()
        await reader.read()  # until the other end closes
        closed.set()
        writer.close()

    server = await asyncio.start_server(silent, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    stuck = Helper(f"postgresql+asyncpg://nobody@127.0.0.1:{port}/none", labels)
    async with server:
        exporting = asyncio.ensure_future(run_export(running, scope, helper=stuck))
        await asyncio.wait_for(connected.wait(), 30)
        exporting.cancel()
        with pytest.raises(asyncio.CancelledError):
            await exporting
        # Killed, not left waiting for the database's answer.
        await asyncio.wait_for(closed.wait(), 10)
    assert leftovers() == before
