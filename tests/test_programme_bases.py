"""The programme's bases of mentees and mentors (issue 14): a pupil's parent's contact, asked in
the profile and optional, reaches the school's curators through the export and the pupil through
/mydata, and nobody else; a teacher mentor's position and key competences reach the base of
mentors."""

import io
import json
from datetime import datetime

import pytest
from openpyxl import load_workbook

from handlers.callbacks import EditMentorDetail, MentorDetail, PersonCard
from tests.flows import (
    PUPIL_MENTEE,
    PUPIL_MENTOR,
    TEACHER_MENTOR,
    active_pair,
    diagnose,
    join,
    register,
    register_curator,
    stored_user,
)
from tests.telegram import files, texts

pytestmark = pytest.mark.db

STALE = "Эта кнопка больше не действует."
PARENT = "+7 900 123-45-67 (мама, Сидорова Ольга)"


def sheet(content: bytes, name: str) -> list[dict]:
    rows = list(load_workbook(io.BytesIO(content), read_only=True)[name]
                .iter_rows(values_only=True))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


def cells(content: bytes) -> str:
    book = load_workbook(io.BytesIO(content), read_only=True)
    return "\n".join(str(value) for ws in book for row in ws.iter_rows(values_only=True)
                     for value in row if value is not None)


def everything_shown(person) -> str:
    return "\n".join([m.text or "" for m in person.messages()]
                     + [str(m.buttons()) for m in person.messages()])


async def pupil_pair(running):
    """Masha (a pupil mentor, who skips the parent's contact) and Kolya (a pupil mentee, who
    gives it), confirmed in the school, in an agreed «ученик – ученик» pair."""
    curator = await register_curator(running)
    masha, kolya = running.person(300), running.person(301)
    await join(running, curator, masha, PUPIL_MENTOR, PUPIL_MENTOR["role"])
    await join(running, curator, kolya, {**PUPIL_MENTEE, "parent": PARENT}, PUPIL_MENTEE["role"])
    said = texts(await masha.send("/invite"))
    payload = next(t for t in said if "Приглашение в пару" in t).split("?start=")[1].split()[0]
    payload = payload.split('"')[0].split("<")[0]
    await kolya.send(f"/start {payload}")
    await kolya.press("Согласен")
    await masha.press("Согласен")
    assert "Пара начала работу" in masha.last.text
    return curator, masha, kolya


async def test_a_pupils_parent_contact_reaches_the_curators_export_and_nobody_else(running):
    curator, masha, kolya = await pupil_pair(running)
    async with running.session() as session:
        assert (await stored_user(session, kolya.user.id)).profile.parent_contact == PARENT
        # Skipped: stored as asked and skipped, not asked again.
        assert (await stored_user(session, masha.user.id)).profile.parent_contact == ""
    # The question said why and who sees it, and could be skipped.
    asked = next(m for m in kolya.messages() if "Контакт родителя" in (m.text or ""))
    assert "только кураторы программы (твоей школы и регионального центра)" in asked.text
    assert "не твой наставник или наставляемый" in asked.text
    # The curator's export has it in both bases' pupils' rows, and in no other sheet.
    ((_, content),) = files(await curator.send("/export"))
    column = "Контакт родителя (законного представителя)"
    (kolya_row,) = sheet(content, "База наставляемых")
    # A leading + gets the export's guard against formulas (services.export.safe_text).
    assert kolya_row["ФИО"] == "Сидоров Коля" and kolya_row[column] == "'" + PARENT
    (masha_row,) = sheet(content, "База наставников")
    assert masha_row["ФИО"] == "Кузнецова Маша" and masha_row[column] in (None, "")
    book = load_workbook(io.BytesIO(content), read_only=True)
    elsewhere = [ws.title for ws in book for row in ws.iter_rows(values_only=True)
                 if ws.title != "База наставляемых" and PARENT in str(row)]
    assert elsewhere == []
    # The partner's card, the pupil mentor's views and report, the curator's messages: no.
    await masha.send("/pair")
    await masha.send("/profile")
    await masha.send("/meetings")
    await masha.send("/plan")
    for _, shared in files(await masha.send("/report")):
        assert PARENT not in cells(shared)
    for _, own in files(await masha.send("/mydata")):
        assert PARENT not in own.decode("utf-8")
    await curator.send("/summary")
    await curator.send("/pairs")
    for person in (masha, curator):
        assert "123-45-67" not in everything_shown(person), person
    # The pupil's own /mydata has it, in words and in the JSON; their /profile shows it.
    (_, readable), (_, machine) = files(await kolya.send("/mydata"))
    assert f"Контакт родителя: {PARENT}" in readable.decode("utf-8")
    assert json.loads(machine)["profile"]["parent_contact"] == PARENT
    await kolya.send("/profile")
    assert f"Контакт родителя: {PARENT}" in kolya.last.text
    # A pupil who skipped sees a dash, and can give it later through /profile.
    await masha.send("/profile")
    assert "Контакт родителя: —" in masha.last.text
    await masha.press("Контакт родителя")
    assert "Пропустить" in str(masha.last.buttons())
    await masha.send("папа: papa@example.org")
    async with running.session() as session:
        stored = await stored_user(session, masha.user.id)
        assert stored.profile.parent_contact == "папа: papa@example.org"


async def test_a_parent_contact_too_long_is_refused(running):
    curator = await register_curator(running)
    kolya = running.person(301)
    profile = {key: value for key, value in PUPIL_MENTEE.items() if key != "parent"}
    await join(running, curator, kolya, {**profile, "parent": None}, PUPIL_MENTEE["role"])
    await kolya.send("/profile")
    await kolya.press("Контакт родителя")
    said = texts(await kolya.send("7" * 201))
    assert any("Слишком длинно" in text for text in said)
    async with running.session() as session:
        assert (await stored_user(session, kolya.user.id)).profile.parent_contact == ""


async def test_a_mentors_position_and_key_competences_reach_the_base_of_mentors(running):
    curator = await register_curator(running)
    petr, ivan = running.person(100), running.person(101)
    await join(running, curator, petr, {**TEACHER_MENTOR, "position": "учитель математики, "
                                        "руководитель МО", "competences": "олимпиадная "
                                        "математика; проектная работа"},
               TEACHER_MENTOR["role"])
    # Ivan skips both: the base falls back on his subjects and his diagnosis.
    await join(running, curator, ivan, {**TEACHER_MENTOR, "name": "Иванов Иван"},
               TEACHER_MENTOR["role"])
    await diagnose(ivan, [3, 3, 0, 0, 0, 0, 0, 0], "Диагностика: сильные")
    ((_, content),) = files(await curator.send("/export"))
    rows = {row["ФИО"]: row for row in sheet(content, "База наставников")}
    place, competences = "Место работы (учёбы), должность", "Ключевые компетенции"
    assert rows["Петров Пётр Петрович"][place] == "МОУ СОШ №1, учитель математики, руководитель МО"
    assert rows["Петров Пётр Петрович"][competences] == \
        "олимпиадная математика; проектная работа"
    assert rows["Иванов Иван"][place] == "МОУ СОШ №1, учитель (Математика)"
    assert rows["Иванов Иван"][competences].startswith("формы и методы обучения")
    # The mentor fills them later through /profile.
    await ivan.send("/profile")
    assert "Должность: —" in ivan.last.text
    await ivan.press("Должность")
    await ivan.send("учитель физики")
    ((_, content),) = files(await curator.send("/export"))
    rows = {row["ФИО"]: row for row in sheet(content, "База наставников")}
    assert rows["Иванов Иван"][place] == "МОУ СОШ №1, учитель физики"


async def test_the_bases_results_carry_the_latest_satisfaction_average(running):
    curator, _masha, kolya = await pupil_pair(running)
    await kolya.send("/surveys")
    await kolya.press("Начать:")
    for score in ("9", "8", "10", "7", "9"):
        await kolya.press(score)
    await kolya.press("Пропустить")
    await kolya.press("Пропустить")
    await kolya.press("Да")
    await kolya.press("Да")
    ((_, content),) = files(await curator.send("/export"))
    (kolya_row,) = sheet(content, "База наставляемых")
    # Pupils take no diagnosis: the satisfaction questionnaire is their result (43 / 5).
    assert kolya_row["Результаты"] == "удовлетворённость 8,6"
    # The date of entry into the programme: confirmed by the school's invitation.
    assert isinstance(kolya_row["Подтверждён"], datetime)
    (masha_row,) = sheet(content, "База наставников")
    assert masha_row["Результаты"] == "завершено 0 из 1"


async def test_a_pupil_registered_before_the_question_is_asked_it_once_on_start(running):
    curator = await register_curator(running)
    kolya = running.person(301)
    await join(running, curator, kolya, PUPIL_MENTEE, PUPIL_MENTEE["role"])
    async with running.session() as session:
        # As migration 0011 leaves a profile filled before it.
        (await stored_user(session, kolya.user.id)).profile.parent_contact = None
        await session.commit()
    await kolya.send("/start")
    assert "Контакт родителя" in kolya.last.text and "Пропустить" in str(kolya.last.buttons())
    await kolya.press("Пропустить")
    assert any("Профиль заполнен" in m.text for m in kolya.messages()[-3:])
    await kolya.send("/start")
    assert "Контакт родителя" not in kolya.last.text


async def test_a_curator_fills_in_a_mentors_position_and_key_competences(running):
    """From the mentor's card: «Должность», the text (escaped when shown, checked for length,
    /cancel leaves it), saved at once and in the export; nobody but a curator of the mentor's
    school may, whatever they press."""
    curator, petr, anna = await active_pair(running)
    oleg = running.person(3)
    await register(oleg, {**TEACHER_MENTOR, "school": "Гимназия 2", "name": "Орлов Олег"})
    async with running.session() as session:
        ids = {person: (await stored_user(session, person.user.id)).id
               for person in (petr, anna, oleg)}
    await curator.press_data(PersonCard(user=ids[petr]).pack())
    card = curator.last
    assert "Должность: —" in card.text and "Ключевые компетенции: —" in card.text
    await curator.press("Должность", card)
    assert "Должность наставника Наставник 0 для базы наставников (сейчас: —)" in \
        curator.last.text
    # Too long: said why, nothing saved, still asked.
    said = texts(await curator.send("у" * 201))
    assert said == ["Слишком длинно: 201 символов, можно до 200. Сократите, пожалуйста."]
    said = texts(await curator.send("учитель <b>физики</b> & МО"))
    assert said == ["Сохранено. Должность наставника Наставник 0: "
                    "учитель &lt;b&gt;физики&lt;/b&gt; &amp; МО"]
    async with running.session() as session:
        profile = (await stored_user(session, petr.user.id)).profile
        assert profile.position == "учитель <b>физики</b> & МО"
    # The state is over: the next text is not taken for a position.
    await curator.send("что-то ещё")
    # Key competences, 500 characters at most; /cancel keeps what was there.
    await curator.press_data(PersonCard(user=ids[petr]).pack())
    await curator.press("Ключевые компетенции")
    assert "(сейчас: —)" in curator.last.text and "до 500 символов" in curator.last.text
    await curator.send("/cancel")
    await curator.send("не сохранится")
    await curator.press_data(PersonCard(user=ids[petr]).pack())
    assert "Ключевые компетенции: —" in curator.last.text
    assert "Должность: учитель &lt;b&gt;физики&lt;/b&gt; &amp; МО" in curator.last.text
    await curator.press("Ключевые компетенции")
    await curator.send("проектная работа; " * 27)  # 486 characters, with the spaces stripped
    async with running.session() as session:
        profile = (await stored_user(session, petr.user.id)).profile
        assert profile.key_competences == ("проектная работа; " * 27).strip()
        assert profile.position == "учитель <b>физики</b> & МО"
    # The mentor is not told; the base of mentors has both.
    assert not any("Сохранено" in (m.text or "") for m in petr.messages())
    ((_, content),) = files(await curator.send("/export"))
    rows = {row["ФИО"]: row for row in sheet(content, "База наставников")}
    assert rows["Наставник 0"]["Место работы (учёбы), должность"] == \
        "МОУ СОШ №1, учитель <b>физики</b> & МО"
    assert rows["Наставник 0"]["Ключевые компетенции"].startswith("проектная работа;")

    # Petr curates the first school: its mentor's card, not a mentee's or another school's.
    await curator.send("/curators")
    await curator.press("МОУ СОШ №1")
    await curator.press("Сделать куратором: Наставник 0")
    await petr.press_data(PersonCard(user=ids[anna]).pack())
    assert "Должность" not in str(petr.last.buttons())
    for person, detail in ((anna, MentorDetail.POSITION), (oleg, MentorDetail.POSITION),
                           (oleg, MentorDetail.KEY_COMPETENCES)):
        forged = EditMentorDetail(user=ids[person], detail=detail).pack()
        assert texts(await petr.press_data(forged)) == [STALE]
        assert texts(await anna.press_data(forged)) == [STALE]
    # A forged press leaves no state behind: the next text goes nowhere near a profile.
    await petr.send("Директор")
    async with running.session() as session:
        for person in (anna, oleg):
            profile = (await stored_user(session, person.user.id)).profile
            assert profile.position in (None, "") and profile.key_competences in (None, "")
    # A curator who loses the school while typing is refused when the text comes.
    await petr.press_data(EditMentorDetail(user=ids[petr], detail=MentorDetail.POSITION).pack())
    assert "Должность наставника Наставник 0" in petr.last.text
    await curator.send("/curators")
    await curator.press("МОУ СОШ №1")
    await curator.press("Снять куратора: Наставник 0")
    await curator.press("Да, снять")
    assert texts(await petr.send("директор школы")) == [STALE]
    async with running.session() as session:
        assert (await stored_user(session, petr.user.id)).profile.position == \
            "учитель <b>физики</b> & МО"
