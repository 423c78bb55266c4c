"""Schools and curators: invitation links and codes, /join, confirming people, new curators."""

import asyncio
import json
import re
from datetime import timedelta

import pytest
from aiogram.methods import DeleteMyCommands
from sqlalchemy import select

from handlers.callbacks import CuratorAction, NewInvite, SchoolPage
from models import Invite, School, SchoolCurator
from services import people
from tests.flows import (
    SCHOOL,
    TEACHER_MENTEE,
    TEACHER_MENTOR,
    make_invite,
    register,
    register_curator,
    stored_user,
)
from tests.telegram import files, texts

pytestmark = pytest.mark.db






async def test_invite_link_puts_a_newcomer_into_the_school_and_role(running):
    curator = await register_curator(running)
    payload, code = await make_invite(curator)
    assert payload == "i_" + code.replace("-", "")
    anna = running.person(1)
    await anna.send(f"/start {payload}")
    said = texts(await anna.press("Согласен"))
    assert "Вы в программе школы «МОУ СОШ №1» в роли «Наставляемый (педагог)»." in said
    # No role question, no school question: straight to the name.
    assert "Как вас зовут" in anna.last.text
    await anna.send("Иванова Анна")
    assert "Какие предметы" in anna.last.text
    async with running.session() as session:
        user = await stored_user(session, anna.user.id)
        (role,) = user.roles
        assert role.role == "mentee_teacher" and role.confirmed_at is not None
        assert user.profile.school.name == SCHOOL and role.school_id == user.profile.school_id
        invite = await session.scalar(select(Invite))
        assert invite.uses == 1 and invite.kind == "school"


async def test_progress_counts_only_what_an_invited_person_is_asked(running):
    """The invitation answers the school: a mentor is asked seven questions (the last two
    optional), numbered 1 to 7 without a gap (it said «Вопрос 1 из 8», then «Вопрос 3 из 8»),
    and «Назад» skips it too."""
    curator = await register_curator(running)
    payload, _ = await make_invite(curator, "Наставник (педагог)")
    petr = running.person(1)
    await petr.send(f"/start {payload}")
    await petr.press("Согласен")
    shown = [petr.last.text]
    await petr.send("Петров Пётр")
    shown.append(petr.last.text)
    await petr.press("Назад")
    assert "Вопрос 1 из 7" in petr.last.text and "Как вас зовут" in petr.last.text
    await petr.send("Петров Пётр Петрович")
    await petr.press("Математика")
    await petr.press("Готово")
    shown.append(petr.last.text)
    await petr.send("25")
    shown.append(petr.last.text)
    await petr.press("Консультант")
    await petr.press("Готово")
    shown.append(petr.last.text)
    await petr.press("2")
    shown.append(petr.last.text)
    await petr.press("Пропустить")
    shown.append(petr.last.text)
    assert [f"Вопрос {n} из 7" in text for n, text in enumerate(shown, 1)] == [True] * 7
    await petr.press("Пропустить")
    assert any("Профиль заполнен" in m.text for m in petr.messages()[-3:])


async def test_invitation_works_while_the_role_question_is_open(running):
    # The role question used to swallow /start with a link and /join: the invitation was lost.
    curator = await register_curator(running)
    payload, code = await make_invite(curator)
    anna = running.person(1)
    await anna.send("/start")
    await anna.press("Согласен")
    assert "Кто вы в программе" in anna.last.text
    said = texts(await anna.send(f"/join {code}"))
    assert "Вы в программе школы «МОУ СОШ №1» в роли «Наставляемый (педагог)»." in said
    boris = running.person(2)
    await boris.send("/start")
    await boris.press("Согласен")
    said = texts(await boris.send(f"/start {payload}"))
    assert "Вы в программе школы «МОУ СОШ №1» в роли «Наставляемый (педагог)»." in said
    async with running.session() as session:
        for person in (anna, boris):
            (role,) = (await stored_user(session, person.user.id)).roles
            assert role.role == "mentee_teacher" and role.confirmed_at is not None


async def test_join_by_code_for_someone_already_registered(running):
    curator = await register_curator(running)
    _, code = await make_invite(curator, "Наставник (педагог)")
    petr = running.person(2)
    await register(petr, {**TEACHER_MENTEE, "school": "Другая школа"})
    said = texts(await petr.send(f"/join {code.lower()}"))
    assert any("«Наставник (педагог)»" in t for t in said)
    # Joining as a mentor asks what a mentor's profile still lacks.
    assert "Каким наставником" in petr.last.text
    async with running.session() as session:
        user = await stored_user(session, petr.user.id)
        assert {r.role for r in user.roles} == {"mentee_teacher", "mentor_teacher"}
        assert user.profile.school.name == SCHOOL


async def test_wrong_and_expired_codes(running, clock):
    curator = await register_curator(running)
    _, code = await make_invite(curator)
    anna = running.person(1)
    await register(anna, TEACHER_MENTEE)
    said = texts(await anna.send("/join ZZZZ-ZZZZ"))
    assert "Такого кода приглашения нет. Проверьте код или попросите новый у куратора." in said
    said = texts(await anna.send("/join"))
    assert said == ["Напишите код приглашения после команды, например: /join ABCD-EFGH"]
    clock.advance(timedelta(days=31))
    said = texts(await anna.send(f"/join {code}"))
    assert "Срок этого приглашения истёк. Попросите новое у куратора." in said
    async with running.session() as session:
        user = await stored_user(session, anna.user.id)
        assert user.roles[0].confirmed_at is None


async def test_curator_confirms_people_who_came_without_an_invite(running):
    curator = await register_curator(running)
    anna = running.person(1)
    await register(anna, TEACHER_MENTEE)
    await curator.send("/confirm")
    assert "Ожидают подтверждения в «МОУ СОШ №1»: 1" in curator.last.text
    said = texts(await curator.press("Иванова Анна Сергеевна"))
    assert "Подтверждено." in said
    assert "нет участников, ожидающих подтверждения" in curator.last.text
    async with running.session() as session:
        assert (await stored_user(session, anna.user.id)).roles[0].confirmed_at is not None


async def curator_and_confirmed_mentor(running):
    """The regional curator, and Petr, a teacher mentor who joined by the school's code."""
    curator = await register_curator(running)
    _, code = await make_invite(curator, "Наставник (педагог)")
    petr = running.person(2)
    await register(petr, TEACHER_MENTOR)
    await petr.send(f"/join {code}")
    return curator, petr


async def test_curator_appoints_a_curator_who_then_curates_only_that_school(running):
    curator, petr = await curator_and_confirmed_mentor(running)
    said = texts(await petr.send("/invites"))
    assert said == ["Эта команда — для куратора программы."]
    await curator.send("/curators")
    await curator.press("Сделать куратором: Петров")
    async with running.session() as session:
        (granted,) = (await session.scalars(select(SchoolCurator))).all()
        petr_user = await stored_user(session, petr.user.id)
        assert granted.user_id == petr_user.id
    other = running.person(3)
    await register(other, {**TEACHER_MENTEE, "school": "Гимназия 2"})
    await petr.send("/invites")
    assert "Приглашение в «МОУ СОШ №1»" in petr.last.text  # one school: no picker
    # A forged button for the other school is refused.
    async with running.session() as session:
        other_school = (await stored_user(session, other.user.id)).profile.school_id
    forged = NewInvite(school_id=other_school, role="mentor_teacher").pack()
    said = texts(await petr.press_data(forged))
    assert said == ["Эта кнопка больше не действует."]
    # The regional curator sees both schools and picks one.
    await curator.send("/invites")
    labels = [label for label, _ in curator.last.buttons()]
    assert labels == ["Гимназия 2", SCHOOL]
    # Petr moves to another school: his rights stay behind, and so does his curator's menu.
    await petr.send("/profile")
    await petr.press("✏️ Школа")
    sent = await petr.send("Гимназия 2")
    (removed,) = [r for r in sent if isinstance(r, DeleteMyCommands)]
    assert removed.scope.chat_id == petr.user.id
    assert texts(await petr.send("/invites")) == ["Эта команда — для куратора программы."]
    # The regional curator, without a programme role, has no school to change.
    await curator.send("/profile")
    assert "Школа" not in curator.last.text
    assert "✏️ Школа" not in [label for label, _ in curator.last.buttons()]


async def test_two_people_typing_a_new_school_at_once_get_one_school(running):
    async with running.session() as first, running.session() as second:
        mine = await people.school_named(first, "Новая  школа №9")
        racing = asyncio.create_task(people.school_named(second, "новая школа №9"))
        await asyncio.sleep(0.05)  # the second waits for the first's write
        await first.commit()
        theirs = await racing
        await second.commit()
    assert mine.id == theirs.id
    async with running.session() as session:
        names = (await session.scalars(select(School.name))).all()
    assert names.count("Новая школа №9") == 1


async def test_a_curator_who_finishes_onboarding_is_shown_what_to_do(running):
    """Not «no open questionnaires» and nothing else: the curator's start screen, whose
    buttons work as the commands do; a curator's shortcut pressed by anybody else is refused."""
    curator = await register_curator(running)
    start = curator.last
    assert "Вы куратор программы" in start.text and "нет открытых анкет" not in start.text
    assert [label for label, _ in start.buttons()] == [
        "📊 Сводка", "✉️ Пригласить участников", "✅ Подтвердить участников", "🤝 Подбор пар",
        "📅 Календарь программы", "🏛 Муниципалитеты"]
    _, shortcut = curator.find_button("Пригласить участников", start)
    await curator.press("Пригласить участников", start)
    assert "МОУ СОШ №1" in curator.last.text
    assert "Наставляемый (педагог)" in str(curator.last.buttons())
    await curator.press("Сводка", start)
    # The summary opens where the start screen was, as its own buttons do.
    assert any("Сводка: МОУ СОШ №1" in m.text for m in curator.messages()[-2:])
    await curator.send("/surveys")
    assert "Вы куратор программы" in curator.last.text
    # Somebody else finishes onboarding with their questionnaires, and cannot use the shortcut.
    anna = running.person(301)
    await register(anna, TEACHER_MENTEE)
    assert "Вы куратор" not in anna.last.text and "Диагностика" in anna.last.text
    said = texts(await anna.press_data(shortcut))
    assert said == ["Эта команда — для куратора программы."]


async def test_a_curator_removes_a_school_curator_who_loses_rights_and_menu(running):
    curator, petr = await curator_and_confirmed_mentor(running)
    await curator.send("/curators")
    await curator.press("Сделать куратором: Петров")
    await curator.send("/curators")
    said = texts(await curator.press("Снять куратора: Петров"))
    # Asked once more; nothing has happened yet.
    assert said == ["Снять с Петров Пётр Петрович права куратора «МОУ СОШ №1»? Человек "
                    "останется участником программы; команды куратора у него пропадут."]
    async with running.session() as session:
        assert len((await session.scalars(select(SchoolCurator))).all()) == 1
    _, again = curator.find_button("Да, снять")
    sent = await curator.press("Да, снять")
    (removed,) = [r for r in sent if isinstance(r, DeleteMyCommands)]
    assert removed.scope.chat_id == petr.user.id
    assert "Вы больше не куратор «МОУ СОШ №1»" in petr.last.text
    assert texts(await petr.send("/invites")) == ["Эта команда — для куратора программы."]
    async with running.session() as session:
        assert (await session.scalars(select(SchoolCurator))).all() == []
        assert [r.role for r in (await stored_user(session, petr.user.id)).roles] == \
            ["mentor_teacher"]
    # The same button again, or forged by someone who curates nothing, changes nothing.
    assert texts(await curator.press_data(again)) == ["Эта кнопка больше не действует."]
    assert texts(await petr.press_data(again)) == ["Эта кнопка больше не действует."]


async def test_a_curator_of_many_schools_pages_through_them(running):
    """A regional curator curates every school of the region: more than one keyboard holds.
    The choice comes a page at a time, and a school on the last page can be picked."""
    curator = await register_curator(running)
    async with running.session() as session:
        for number in range(1, 46):
            name = f"Школа <i>№{number:02}</i>"
            session.add(School(name=name, normalized_name=name.casefold()))
        await session.commit()
    await curator.send("/invites")
    first = curator.last
    assert first.text == "Выберите школу (страница 1 из 2):"
    labels = [text for text, _ in first.buttons()]
    assert len(labels) == 41 and labels[-1] == "▶️" and "Школа <i>№01</i>" in labels
    await curator.press("▶️")
    turned = curator.messages()[-1]
    assert turned.message_id == first.message_id  # edited in place
    assert turned.text == "Выберите школу (страница 2 из 2):"
    labels = [text for text, _ in turned.buttons()]
    assert labels[-1] == "◀️" and "Школа <i>№45</i>" in labels and "Школа <i>№01</i>" not in labels
    said = texts(await curator.press("Школа <i>№45</i>"))
    assert any("Школа &lt;i&gt;№45&lt;/i&gt;" in text for text in said)
    # A page that does not exist shows the last one; a stranger gets the stale answer.
    await curator.press("◀️")
    sent = await curator.press_data(SchoolPage(action=CuratorAction.INVITES, page=99).pack(),
                                    first.message_id)
    assert texts(sent) == ["Выберите школу (страница 2 из 2):"]
    # Pressed again on the page shown: nothing to change, nothing goes wrong.
    assert await curator.press_data(SchoolPage(action=CuratorAction.INVITES, page=1).pack(),
                                    first.message_id)
    stranger = running.person(4242)
    await register(stranger, {**TEACHER_MENTEE, "name": "Посторонний", "school": "Школа 99"})
    said = texts(await stranger.press_data(
        SchoolPage(action=CuratorAction.INVITES, page=1).pack()))
    assert said == ["Эта кнопка больше не действует."]


async def test_a_school_curators_data_names_the_school_in_their_language(running):
    curator, petr = await curator_and_confirmed_mentor(running)
    await curator.send("/curators")
    await curator.press("Сделать куратором: Петров")
    await petr.send("/language")
    await petr.press("English")
    (_, words), (_, data) = files(await petr.send("/mydata"))
    rights = words.decode().split("CURATOR / COORDINATOR RIGHTS\n")[1].split("\n\n")[0]
    assert re.fullmatch(r"    Curator of the school “МОУ СОШ №1” since [0-9./: ]+", rights), rights
    async with running.session() as session:
        school_id = await session.scalar(select(School.id))
    (school,) = json.loads(data)["curates_schools"]
    assert (school["school_id"], school["name"]) == (school_id, "МОУ СОШ №1")
    assert json.loads(data)["coordinates_municipalities"] == []
