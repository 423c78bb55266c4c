"""Onboarding through the real Dispatcher: consent, roles, profiles, language, /cancel."""

import pytest
from aiogram.methods import DeleteMyCommands, SetMyCommands
from sqlalchemy import func, select

from models import FsmRecord, School
from tests.conftest import CURATOR_ID
from tests.flows import (
    PUPIL_MENTEE,
    PUPIL_MENTOR,
    TEACHER_MENTEE,
    TEACHER_MENTOR,
    begin_profile,
    consent,
    fill_profile,
    register,
    stored_user,
    user_count,
)
from tests.telegram import texts

pytestmark = pytest.mark.db


async def test_declining_consent_stores_nothing(running):
    anna = running.person()
    await anna.send("/start invite_42")
    # The greeting and the consent are one message, the buttons under both.
    [shown] = anna.messages()
    assert "Здравствуйте!" in shown.text and "Согласие на обработку" in shown.text
    assert anna.find_button("Согласен")[0] == shown.message_id
    said = texts(await anna.press("Не согласен"))
    assert any("ничего не сохранили" in t and "/start" in t for t in said)
    async with running.session() as session:
        assert await user_count(session) == 0
        assert await session.scalar(select(func.count()).select_from(FsmRecord)) == 0
        assert await session.scalar(select(func.count(School.id))) == 0


async def test_consent_stores_the_person_with_language_and_payload(running):
    anna = running.person(language_code="ru-RU")
    await consent(anna, payload="school_7")
    assert "Кто вы в программе" in anna.last.text
    async with running.session() as session:
        user = await stored_user(session, anna.user.id)
        assert user is not None and user.consent_at is not None
        assert user.locale == "ru"
        assert user.start_payload == "school_7"
        assert user.roles == []


async def test_a_double_press_on_consent_registers_once(running):
    anna = running.person()
    await anna.send("/start")
    message_id, agree = anna.find_button("Согласен")
    await anna.press_data(agree, message_id)
    said = texts(await anna.press_data(agree, message_id))
    assert any("Кто вы в программе" in t for t in said)
    async with running.session() as session:
        assert await user_count(session) == 1


async def test_returning_person_keeps_a_new_payload(running):
    anna = running.person()
    await register(anna, TEACHER_MENTEE)
    said = texts(await anna.send("/start pair_ABC-1"))
    assert any("С возвращением" in t for t in said)
    async with running.session() as session:
        assert (await stored_user(session, anna.user.id)).start_payload == "pair_ABC-1"


async def test_teacher_mentee_profile(running):
    anna = running.person()
    await register(anna, TEACHER_MENTEE)
    assert "Диагностика профессиональных дефицитов" in anna.last.text
    async with running.session() as session:
        user = await stored_user(session, anna.user.id)
        assert [(r.role, r.form) for r in user.roles] == [("mentee_teacher", "teacher_teacher")]
        profile = user.profile
        assert profile.full_name == "Иванова Анна Сергеевна"
        assert profile.school.name == "МОУ СОШ №1"
        assert profile.subjects == ["math", "physics"]
        assert profile.experience_years == 2
        assert profile.mentee_category == "young_specialist"
        assert profile.mentor_types is None and profile.grade is None


async def test_teacher_mentor_profile_and_same_school(running):
    anna, petr = running.person(1), running.person(2)
    await register(anna, TEACHER_MENTEE)
    await register(petr, {**TEACHER_MENTOR, "school": "  мОУ   сош №1 "})
    async with running.session() as session:
        user = await stored_user(session, petr.user.id)
        assert user.profile.mentor_types == ["consultant", "subject"]
        assert user.profile.mentee_capacity == 2
        assert user.profile.experience_years == 25
        assert await session.scalar(select(func.count(School.id))) == 1
        assert user.roles[0].school_id == user.profile.school_id


@pytest.mark.parametrize(("profile", "field", "value"), [
    (PUPIL_MENTEE, "help_wanted", ["study"]),
    (PUPIL_MENTOR, "help_offered", ["projects"]),
])
async def test_pupil_profiles(running, profile, field, value):
    kolya = running.person()
    await register(kolya, profile)
    async with running.session() as session:
        user = await stored_user(session, kolya.user.id)
        assert user.profile.grade == int(profile["grade"])
        assert getattr(user.profile, field) == value
        assert user.profile.subjects is None


async def test_number_input_is_checked(running):
    anna = running.person()
    await begin_profile(anna, "Иванова Анна", "Школа 5")
    await anna.press("Математика")
    await anna.press("Готово")
    said = texts(await anna.send("два года"))
    assert "Нужно целое число от 0 до 60." in said
    assert "Сколько лет вы работаете" in anna.last.text
    said = texts(await anna.send("75"))
    assert "Число должно быть от 0 до 60." in said
    await anna.send("3")
    assert "лучше всего описывает" in anna.last.text
    async with running.session() as session:
        assert (await stored_user(session, anna.user.id)).profile.experience_years == 3


async def test_nul_characters_are_dropped_from_typed_text(running):
    # PostgreSQL stores no text with a NUL in it: such a name used to fail the update there.
    anna = running.person()
    await begin_profile(anna)
    said = texts(await anna.send("Иванова\x00 Анна\x00"))
    assert "В какой школе" in anna.last.text, said
    said = texts(await anna.send("\x00"))
    assert "Ответ пустой. Напишите, пожалуйста, текст." in said
    await anna.send("Школа\x00 5")
    assert "Какие предметы" in anna.last.text
    async with running.session() as session:
        user = await stored_user(session, anna.user.id)
        assert (user.profile.full_name, user.profile.school.name) == ("Иванова Анна", "Школа 5")


async def test_cancel_keeps_what_was_saved_and_start_resumes(running):
    anna = running.person()
    await begin_profile(anna, "Иванова Анна")
    said = texts(await anna.send("/cancel"))
    assert any("Прервали" in t for t in said)
    said = texts(await anna.send("какой-то текст"))
    assert any("Не понял" in t for t in said)
    await anna.send("/start")
    assert "В какой школе" in anna.last.text
    async with running.session() as session:
        assert (await stored_user(session, anna.user.id)).profile.full_name == "Иванова Анна"


async def test_profile_back_button_changes_an_earlier_answer(running):
    anna = running.person()
    await begin_profile(anna, "Иванова Анна", "Школа 5")
    await anna.press("Назад")
    assert "В какой школе" in anna.last.text and "Текущий ответ: Школа 5" in anna.last.text
    await anna.send("Школа 6")
    assert "Какие предметы" in anna.last.text
    async with running.session() as session:
        assert (await stored_user(session, anna.user.id)).profile.school.name == "Школа 6"


async def test_profile_edit_and_second_role(running):
    anna = running.person()
    await register(anna, TEACHER_MENTEE)
    await anna.send("/profile")
    assert "Иванова Анна Сергеевна" in anna.last.text
    await anna.press("ФИО")
    await anna.send("Иванова-Смирнова Анна Сергеевна")
    assert "Иванова-Смирнова" in anna.last.text  # the card again
    await anna.press("Добавить роль")
    await anna.press("Наставник (педагог)")
    # Only what the new role needs is asked, and counted: mentor types, capacity, and the
    # optional position and key competences.
    assert "Каким наставником" in anna.last.text and "Вопрос 1 из 4" in anna.last.text
    await anna.press("Проводник")
    await anna.press("Готово")
    assert "Вопрос 2 из 4" in anna.last.text
    await anna.press("3")
    assert "Вопрос 3 из 4" in anna.last.text and "должность" in anna.last.text
    await anna.press("Пропустить")
    await anna.press("Пропустить")
    async with running.session() as session:
        user = await stored_user(session, anna.user.id)
        assert user.profile.full_name == "Иванова-Смирнова Анна Сергеевна"
        assert sorted(r.role for r in user.roles) == ["mentee_teacher", "mentor_teacher"]
        assert user.profile.mentor_types == ["guide"] and user.profile.mentee_capacity == 3


async def test_language_switch_is_remembered(running):
    anna = running.person(language_code="en")
    said = texts(await anna.send("/start"))
    assert any("Consent to personal-data processing" in t for t in said)
    await anna.press("I agree")
    await anna.send("/language")
    said = texts(await anna.press("Русский"))
    assert any("по-русски" in t for t in said)
    async with running.session() as session:
        assert (await stored_user(session, anna.user.id)).locale == "ru"
    said = texts(await anna.send("/help"))
    assert any("Что умеет бот" in t for t in said)


async def test_a_listed_curator_has_the_curator_menu_from_consent_until_erasure(running):
    """CURATOR_IDS names people before they come: the one who registers after the bot started
    gets the curator's menu at once, in their language, and loses it with their data."""
    curator = running.person(CURATOR_ID)
    await curator.send("/start")
    sent = await curator.press("Согласен")
    (menu,) = [r for r in sent if isinstance(r, SetMyCommands)]
    assert menu.scope.chat_id == CURATOR_ID
    commands = {c.command: c.description for c in menu.commands}
    assert {"summary", "export", "invites", "match"} <= set(commands)
    assert commands["summary"] == running.app.i18n_core.get("cmd-summary", "ru")
    # Somebody else who consents gets no menu of their own.
    anna = running.person()
    await anna.send("/start")
    assert not [r for r in await anna.press("Согласен") if isinstance(r, SetMyCommands)]
    await curator.send("/language")
    sent = await curator.press("English")
    (menu,) = [r for r in sent if isinstance(r, SetMyCommands)]
    assert {c.command: c.description for c in menu.commands}["summary"] == \
        running.app.i18n_core.get("cmd-summary", "en")
    await curator.send("/delete_me")
    sent = await curator.press("Yes")
    (removed,) = [r for r in sent if isinstance(r, DeleteMyCommands)]
    assert removed.scope.chat_id == CURATOR_ID


async def test_commands_need_consent_first(running):
    anna = running.person()
    for command in ("/surveys", "/profile", "/forget", "📋 Анкеты"):
        said = texts(await anna.send(command))
        assert said == ["Сначала отправьте /start и дайте согласие на обработку данных."]
    async with running.session() as session:
        assert await user_count(session) == 0


async def test_text_instead_of_role_button(running):
    anna = running.person()
    await consent(anna)
    said = texts(await anna.send("учитель"))
    assert "Пожалуйста, выберите ответ кнопкой под вопросом." in said
    assert "Кто вы в программе" in anna.last.text
    await fill_profile(anna, TEACHER_MENTEE)
    async with running.session() as session:
        assert (await stored_user(session, anna.user.id)).profile.full_name is not None


async def test_command_menus_registered_in_both_languages(running):
    from aiogram.methods import SetMyCommands

    calls = [r for r in running.bot.session.requests if isinstance(r, SetMyCommands)]
    by_language = {c.language_code: [cmd.description for cmd in c.commands] for c in calls}
    assert set(by_language) == {"ru", "en", None}
    assert "Анкеты программы" in by_language["ru"]
    assert "Programme questionnaires" in by_language["en"]
