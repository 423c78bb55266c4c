"""The region's structure through the bot: a regional curator creates municipalities, puts
schools into them, invites a coordinator by a single-use link and removes them; a coordinator
curates exactly their municipality's schools; the summary rolls up by municipality, and
«⚖️ Сравнить» puts municipalities or schools side by side."""

import io
import json
import re
from datetime import timedelta

import pytest
from aiogram.methods import DeleteMyCommands, SendDocument, SendPhoto, SetMyCommands
from openpyxl import load_workbook
from sqlalchemy import func, select

from handlers.callbacks import (
    NewInvite,
    PickSchool,
    PlaceSchool,
    RegionAct,
    RegionButton,
    RemoveCoordinator,
    SummaryButton,
    SummaryView,
)
from models import Invite, MunicipalCoordinator, Municipality, School, SchoolCurator
from tests.flows import (
    CURATOR_ID,
    PUPIL_MENTEE,
    PUPIL_MENTOR,
    SCHOOL,
    TEACHER_MENTEE,
    TEACHER_MENTOR,
    active_pair,
    become_coordinator,
    consent,
    coordinator_link,
    join,
    make_municipality,
    register,
    register_curator,
    stored_user,
)
from tests.telegram import files, texts

pytestmark = pytest.mark.db
STALE = "Эта кнопка больше не действует."
SECOND = "Гимназия 2"
ENSK, NORTH = "Городской округ Энск", "Северный район"


async def two_schools(running):
    """The regional curator (of SCHOOL) and a teacher who typed SECOND, so both exist."""
    regional = await register_curator(running)
    await register(running.person(940), {**TEACHER_MENTEE, "name": "Житель", "school": SECOND})
    return regional


async def school_ids(running) -> dict[str, int]:
    async with running.session() as session:
        return dict((await session.execute(select(School.name, School.id))).all())


async def municipality_ids(running) -> dict[str, int]:
    async with running.session() as session:
        return dict((await session.execute(select(Municipality.name, Municipality.id))).all())


async def test_a_regional_curator_creates_municipalities_and_places_schools(running):
    regional = await two_schools(running)
    assert "🏛 Муниципалитеты" in [label for label, _ in regional.last.buttons()]
    await regional.press("Муниципалитеты")
    assert "Муниципалитеты региона: 0" in regional.last.text
    assert "Школ вне муниципалитетов: 2" in regional.last.text
    await regional.press("Новый муниципалитет")
    # Too short, then a name with markup in it, stored as typed and shown escaped.
    said = texts(await regional.send("Го"))
    assert any("от 3 до 120 символов" in text for text in said)
    said = texts(await regional.send("  Район <b>Север</b>  "))
    assert "Муниципалитет «Район &lt;b&gt;Север&lt;/b&gt;» создан." in said
    # The same name, spelt differently, is refused; the question stays open for another.
    await regional.press("Все муниципалитеты")
    await regional.press("Новый муниципалитет")
    said = texts(await regional.send("район  <B>СЕВЕР</B>"))
    assert said == ["Муниципалитет «Район &lt;b&gt;Север&lt;/b&gt;» уже есть. Напишите другое "
                    "название или отмените — /cancel."]
    said = texts(await regional.send("Я" * 121))
    assert said == ["Слишком длинно: 121 символов, можно до 120. Сократите, пожалуйста."]
    await regional.send(ENSK)
    assert ENSK in regional.last.text and "Добавить школу" in str(regional.last.buttons())
    await regional.press("Добавить школу")
    assert [label for label, _ in regional.last.buttons()] == [SECOND, SCHOOL]
    said = texts(await regional.press(SCHOOL))
    assert f"Школа «{SCHOOL}» теперь в муниципалитете «{ENSK}»." in said
    # SECOND goes to Ensk, then moves to the other municipality.
    await regional.press("Добавить школу")
    await regional.press(SECOND)
    await regional.press("Все муниципалитеты")
    await regional.press("Район <b>Север</b>")
    await regional.press("Добавить школу")
    assert f"{SECOND} (сейчас: {ENSK})" in [label for label, _ in regional.last.buttons()]
    await regional.press(SECOND)
    schools, places = await school_ids(running), await municipality_ids(running)
    async with running.session() as session:
        placed = dict((await session.execute(select(School.name, School.municipality_id))).all())
    assert places.keys() == {ENSK, "Район <b>Север</b>"}
    assert placed == {SCHOOL: places[ENSK], SECOND: places["Район <b>Север</b>"]}
    await regional.send("/municipalities")
    assert f"• {ENSK} — школ: 1, координаторов: 0" in regional.last.text
    assert "Школ вне муниципалитетов: 0" in regional.last.text
    # Nobody but a regional curator manages the structure; forged presses change nothing.
    teacher = running.person(940)
    assert texts(await teacher.send("/municipalities")) == [
        "Эта команда — для регионального куратора."]
    for forged in (RegionButton(act=RegionAct.NEW), RegionButton(act=RegionAct.INVITE,
                                                                 municipality=places[ENSK]),
                   PlaceSchool(municipality=places[ENSK], school=schools[SECOND])):
        assert texts(await teacher.press_data(forged.pack())) == [STALE]
    async with running.session() as session:
        assert await session.scalar(select(func.count(Invite.id))) == 0
        assert (await session.get(School, schools[SECOND])).municipality_id == \
            places["Район <b>Север</b>"]


async def test_a_coordinator_invited_by_link_curates_exactly_their_municipality(running, clock):
    regional = await two_schools(running)
    await make_municipality(regional, ENSK, SCHOOL)
    await make_municipality(regional, NORTH, SECOND)
    schools, places = await school_ids(running), await municipality_ids(running)
    payload = await coordinator_link(regional, ENSK)
    olga = running.person(700)
    await olga.send(f"/start {payload}")
    sent = await olga.press("Согласен")
    said = texts(sent)
    assert any(f"Вы координатор муниципалитета «{ENSK}»" in text for text in said)
    (menu,) = [r for r in sent if isinstance(r, SetMyCommands)]
    assert menu.scope.chat_id == 700 and "summary" in {c.command for c in menu.commands}
    # A coordinator is asked no programme role and no school: a name, then the curator's desk.
    assert "фамилия, имя и отчество" in olga.last.text
    said = texts(await olga.send("Координатор Ольга"))
    assert not any("В какой школе" in text for text in said)
    assert "Вы куратор программы" in olga.last.text
    assert "Муниципалитеты" not in str(olga.last.buttons())
    # What she types next, her office's name say, is nobody's school.
    await olga.send("Управление образования Энска")
    async with running.session() as session:
        user = await stored_user(session, 700)
        (row,) = (await session.scalars(select(MunicipalCoordinator))).all()
        assert (row.user_id, row.municipality_id) == (user.id, places[ENSK])
        assert user.roles == [] and user.profile.school_id is None
        assert user.profile.full_name == "Координатор Ольга"
        assert set(await school_ids(running)) == {SCHOOL, SECOND}
        invite = await session.scalar(select(Invite).where(Invite.kind == "coordinator"))
        assert (invite.uses, invite.max_uses, invite.school_id) == (1, 1, None)
    # Single use: the same link makes nobody else a coordinator.
    boris = running.person(701)
    await boris.send(f"/start {payload}")
    said = texts(await boris.press("Согласен"))
    assert "Это приглашение уже использовано. Попросите новое." in said
    # And it expires like the others.
    late = await coordinator_link(regional, NORTH)
    clock.advance(timedelta(days=8))
    said = texts(await boris.send(f"/start {late}"))
    assert "Срок этого приглашения истёк. Попросите новое у куратора." in said
    async with running.session() as session:
        assert await session.scalar(select(func.count(MunicipalCoordinator.id))) == 1

    # Her summary is her municipality's school, and nothing of the other.
    (summary,) = [t for t in texts(await olga.send("/summary")) if "Сводка" in t]
    assert f"Сводка: {SCHOOL}" in summary
    assert "наставляемые педагоги 0" in summary
    said = texts(await olga.send("/invites"))
    assert f"Приглашение в «{SCHOOL}»" in said[-1]
    other = schools[SECOND]
    for forged in (PickSchool(action="invites", school_id=other),
                   NewInvite(school_id=other, role="mentor_teacher"),
                   SummaryButton(view=SummaryView.SUMMARY, school=other),
                   SummaryButton(view=SummaryView.SUMMARY, municipality=places[NORTH]),
                   SummaryButton(view=SummaryView.COMPARE, municipality=places[NORTH]),
                   SummaryButton(view=SummaryView.EXPORT, school=other),
                   RegionButton(act=RegionAct.OPEN, municipality=places[ENSK])):
        assert texts(await olga.press_data(forged.pack())) == [STALE], forged
    async with running.session() as session:
        assert await session.scalar(select(func.count(Invite.id)).where(
            Invite.school_id == other)) == 0
    # Her own municipality's roll-up works; she appoints a teacher of her school a curator.
    said = texts(await olga.press_data(SummaryButton(view=SummaryView.SUMMARY,
                                                     municipality=places[ENSK]).pack()))
    assert any(f"Сводка: {ENSK} (школ: 1)" in text for text in said), said
    petr = running.person(100)
    await olga.send("/invites")
    said = texts(await olga.press("Наставник (педагог)"))
    code = next(t for t in said if "<code>" in t).split("<code>")[1].split("</code>")[0]
    await register(petr, TEACHER_MENTOR)
    await petr.send(f"/join {code}")
    await olga.send("/curators")
    await olga.press("Сделать куратором: Петров")
    async with running.session() as session:
        (curator,) = (await session.scalars(select(SchoolCurator))).all()
        assert (curator.school_id, curator.user_id) == (schools[SCHOOL], await _user_id(
            running, 100))

    # The regional curator removes her: asked once more, then rights and menu go, she is told.
    await regional.send("/municipalities")
    await regional.press(ENSK)
    assert "Координатор Ольга" in regional.last.text
    said = texts(await regional.press("Снять координатора: Координатор Ольга"))
    assert said == [f"Снять с Координатор Ольга права координатора «{ENSK}»? Команды куратора "
                    "для школ этого муниципалитета у него пропадут."]
    _, again = regional.find_button("Да, снять")
    sent = await regional.press("Да, снять")
    (removed,) = [r for r in sent if isinstance(r, DeleteMyCommands)]
    assert removed.scope.chat_id == 700
    assert f"Вы больше не координатор муниципалитета «{ENSK}»" in olga.last.text
    assert texts(await olga.send("/summary")) == ["Эта команда — для куратора программы."]
    assert texts(await olga.send("/invites")) == ["Эта команда — для куратора программы."]
    async with running.session() as session:
        assert await session.scalar(select(func.count(MunicipalCoordinator.id))) == 0
    # The same button again, or pressed by her, changes nothing.
    assert texts(await regional.press_data(again)) == [STALE]
    olga_id = (await _user_id(running, 700))
    assert texts(await olga.press_data(RemoveCoordinator(
        municipality=places[ENSK], user_id=olga_id, sure=True).pack())) == [STALE]


async def _user_id(running, telegram_id: int) -> int:
    async with running.session() as session:
        return (await stored_user(session, telegram_id)).id


async def test_summary_rolls_up_by_municipality_and_compares_them(running):
    # Ensk: SCHOOL with an active pair (a young mentee, a mentor). North: SECOND with one young
    # mentee, unpaired, who has answered nothing.
    regional, _, _ = await active_pair(running)
    await register(running.person(940), {**TEACHER_MENTEE, "name": "Житель", "school": SECOND})
    await make_municipality(regional, ENSK, SCHOOL)
    await make_municipality(regional, NORTH, SECOND)
    places = await municipality_ids(running)
    # The summary of one municipality, chosen by a button.
    await regional.send("/summary")
    await regional.press("Школа")
    await regional.press(f"🏛 {ENSK}")
    summary = regional.last.text
    assert f"Сводка: {ENSK} (школ: 1)" in summary
    assert "наставники-педагоги 1, наставляемые педагоги 1" in summary
    # Its export covers it.
    sent = await regional.press("Excel")
    (document,) = [r for r in sent if isinstance(r, SendDocument)]
    assert f"Выгрузка: {ENSK} (школ: 1)" in document.caption
    # The whole region compared: a row per municipality.
    await regional.send("/summary")
    sent = await regional.press("Сравнить")
    said = texts(sent)
    (table,) = [text for text in said if "Сравнение: муниципалитеты" in text]
    ensk, north = table.split(f"1. {ENSK}")[1].split(f"2. {NORTH}")
    assert "участников 2 · работающих пар 1" in ensk
    assert "Вовлечено молодых 100.0% ✅" in ensk and "Вовлечено педагогов 100.0% ✅" in ensk
    assert "Динамика дефицитов — —" in ensk
    assert "участников 1 · работающих пар 0 · анкеты заполнены 0.0% · удовлетворённость —" \
        in north
    assert "Вовлечено молодых 0.0% ⚠️" in north
    (sheet_file, chart) = files(sent)
    assert sheet_file[0].endswith(".xlsx") and chart[1].startswith(b"\x89PNG")
    assert [type(r) for r in sent if isinstance(r, SendDocument | SendPhoto)] == [
        SendDocument, SendPhoto]
    rows = list(load_workbook(io.BytesIO(sheet_file[1])).active.values)
    header = next(index for index, row in enumerate(rows) if row[0] == "Название")
    assert rows[header + 1][5:] == (100, 70, 90, 90)  # the targets
    by_name = {row[0]: row[1:] for row in rows[header + 2:]}
    assert by_name[ENSK][:2] == (2, 1) and by_name[ENSK][4:6] == (100, 100)
    assert by_name[NORTH] == (1, 0, 0, None, 0, 0, None, None)
    # Within a municipality, its schools; a school alone has nothing to compare.
    said = texts(await regional.press_data(SummaryButton(view=SummaryView.COMPARE,
                                                         municipality=places[ENSK]).pack()))
    assert said == ["Сравнивать нечего: в этой выборке одна школа."]


async def test_a_long_comparison_is_cut_with_a_note_and_the_file_has_every_row(running):
    regional = await register_curator(running)
    await make_municipality(regional, ENSK, SCHOOL)
    (ensk,) = (await municipality_ids(running)).values()
    async with running.session() as session:
        for number in range(44):
            # Long names with markup: the text stays within Telegram's limits, escaped.
            name = f"Школа <b>№{number:02}</b> " + "имени очень длинного названия " * 5
            session.add(School(name=name, normalized_name=name.casefold(),
                               municipality_id=ensk))
        await session.commit()
    sent = await regional.press_data(SummaryButton(view=SummaryView.COMPARE,
                                                   municipality=ensk).pack())
    said = [text for text in texts(sent) if "Рисую" not in text]
    table = "\n".join(said)
    assert "Сравнение: школы" in table and f"{ENSK} (школ: 45)" in table
    assert "40. Школа &lt;b&gt;№38&lt;/b&gt;" in table and "41. " not in table
    assert "…и ещё 5 — все строки в файле Excel ниже." in table
    assert len(said) > 1  # longer than one message: sent as several, cut at line breaks
    ((_, sheet), (_, chart)) = files(sent)
    rows = list(load_workbook(io.BytesIO(sheet)).active.values)
    header = next(index for index, row in enumerate(rows) if row[0] == "Название")
    assert len(rows[header + 2:]) == 45 and chart.startswith(b"\x89PNG")


async def test_a_school_without_curators_is_its_coordinators_to_hear_about(running):
    """Who hears about a school: its curators, else its municipality's coordinators, else the
    regional curators. Pupils pair themselves in SCHOOL, which has no school curator: its
    coordinator is told the pair started, the regional curator is not."""
    regional = await register_curator(running)
    masha, kolya = running.person(300), running.person(301)
    for person, profile in ((masha, PUPIL_MENTOR), (kolya, PUPIL_MENTEE)):
        await join(running, regional, person, profile, profile["role"])
    await make_municipality(regional, ENSK, SCHOOL)
    olga = await become_coordinator(running, regional, 700, ENSK)
    regional_seen = len(regional.messages())
    said = texts(await masha.send("/invite"))
    payload = re.search(r"\?start=(i_[A-Z0-9]+)", next(
        t for t in said if "Приглашение в пару" in t)).group(1)
    await kolya.send(f"/start {payload}")
    await kolya.press("Согласен")
    await masha.press("Согласен")
    assert "Пара начала работу: Кузнецова Маша → Сидоров Коля" in olga.last.text
    assert not any("Пара начала работу" in m.text
                   for m in regional.messages()[regional_seen:])


async def test_a_coordinators_rights_are_in_their_data_and_go_with_it(running):
    regional = await register_curator(running)
    await make_municipality(regional, ENSK, SCHOOL)
    olga = await become_coordinator(running, regional, 700, ENSK)
    (ensk,) = (await municipality_ids(running)).values()
    (_, words), (_, data) = files(await olga.send("/mydata"))
    # In words, in her language, by name; in the JSON, by id and name.
    rights = words.decode().split("ПРАВА КУРАТОРА / КООРДИНАТОРА\n")[1].split("\n\n")[0]
    assert re.fullmatch(f"    Координатор муниципалитета «{ENSK}» с [0-9.]+ [0-9:]+", rights)
    (place,) = json.loads(data)["coordinates_municipalities"]
    assert (place["municipality_id"], place["name"]) == (ensk, ENSK)
    await olga.send("/delete_me")
    await olga.press("Да, удалить")
    async with running.session() as session:
        assert await session.scalar(select(func.count(MunicipalCoordinator.id))) == 0
    await regional.press_data(RegionButton(act=RegionAct.OPEN, municipality=ensk).pack())
    assert "<b>Координаторы</b>\n—" in regional.last.text


async def test_a_region_without_municipalities_compares_its_schools_up_to_a_limit(
        running, monkeypatch):
    regional = await two_schools(running)
    await regional.send("/summary")
    said = texts(await regional.press("Сравнить"))
    (table,) = [text for text in said if "Сравнение: школы" in text]
    assert f"1. {SECOND}" in table and f"2. {SCHOOL}" in table
    monkeypatch.setattr("handlers.comparison.MAX_COMPARED", 1)
    sent = await regional.press("Сравнить")
    assert texts(sent) == ["Слишком много школ, чтобы сравнить сразу (2, можно до 1): выберите "
                           "муниципалитет в «🏫 Школа» или создайте муниципалитеты в "
                           "/municipalities."]
    assert not files(sent)


async def test_a_regional_curator_adds_the_first_school_and_invites_into_it(running):
    """A fresh deployment: nobody has named a school yet. The curator of CURATOR_IDS (a single
    school's curator, say) adds it by name in /municipalities and can invite at once; a name
    that is there already, in another case or spacing, adds nothing."""
    curator = running.person(CURATOR_ID)
    await consent(curator)
    await curator.send("Куратор Мария Ивановна")
    said = texts(await curator.send("/invites"))
    assert said[-1].startswith("Вы куратор, но школ пока нет") and "➕ Школа" in said[-1]
    await curator.send("/municipalities")
    await curator.press("➕ Школа")
    assert "Напишите название школы" in curator.last.text
    said = texts(await curator.send("Лицей <b>№7</b>"))
    assert said[0] == "Школа «Лицей &lt;b&gt;№7&lt;/b&gt;» добавлена. Приглашения в неё — /invites."
    said = texts(await curator.send("/invites"))
    assert any("Лицей &lt;b&gt;№7&lt;/b&gt;" in text for text in said)
    await curator.send("/municipalities")
    await curator.press("➕ Школа")
    said = texts(await curator.send("лицей   <b>№7</b>"))
    assert said[0].startswith("Школа «Лицей &lt;b&gt;№7&lt;/b&gt;» уже есть")
    async with running.session() as session:
        assert await session.scalar(select(func.count()).select_from(School)) == 1
    # Nobody else adds schools: the button is refused, the command too.
    teacher = running.person(951)
    await register(teacher, {**TEACHER_MENTEE, "name": "Учительница", "school": "Лицей <b>№7</b>"})
    said = texts(await teacher.press_data(RegionButton(act=RegionAct.NEW_SCHOOL).pack()))
    assert said == [STALE]
    async with running.session() as session:
        assert await session.scalar(select(func.count()).select_from(School)) == 1
