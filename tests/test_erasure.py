"""/delete_me erases every trace of the person in every table: a person who did everything the
bot offers is erased, then every text, JSON and id column of every table is scanned for their
name, username, Telegram id and every text they typed. The school's anonymous figures stay.
Messages done with are pruned after the retention period."""

import json
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import JSON, BigInteger, Integer, String, Text, func, select

from handlers.callbacks import AcceptMatch
from models import Base, Campaign, OutboxMessage
from services import outbox, reports
from tests.flows import (
    PUPIL_MENTEE,
    TEACHER_MENTEE,
    TEACHER_MENTOR,
    diagnose,
    invite_code,
    join,
    propose_meeting,
    register_curator,
    stored_user,
)
from tests.telegram import texts

pytestmark = pytest.mark.db

X_ID = 5_550_777_123
X_NAME = "Эрасова Ксения Тайновна"
X_USERNAME = "xenia_erase_me"
TYPED = ["ДИАГНОЗ-ТЕКСТ-ИКС", "ПРИЧИНА-ИКС", "МЕСТО-ИКС", "ТЕМА-ИКС", "ЦЕЛЬ-ИКС", "ЗАМЕТКА-ИКС",
         "ОБЪЯВЛЕНИЕ-ИКС", "КОММЕНТАРИЙ-ИКС"]
# Typed in the profile: a teacher mentor's position and key competences, a pupil's parent's
# contact.
PROFILE_TYPED = ["ДОЛЖНОСТЬ-ИКС", "КОМПЕТЕНЦИИ-ИКС", "РОДИТЕЛЬ-ИКС"]
SECRETS = [X_NAME, "Эрасова", X_USERNAME, str(X_ID), *TYPED, *PROFILE_TYPED]


async def user_id(running, person) -> int:
    async with running.session() as session:
        return (await stored_user(session, person.user.id)).id


async def a_person_who_did_everything(running, clock):
    curator = await register_curator(running)
    xenia = running.person(X_ID)
    xenia.user = xenia.user.model_copy(update={"username": X_USERNAME})
    mentors = [running.person(101), running.person(102)]
    for mentor, name in zip(mentors, ("Первый Наставник", "Второй Наставник"), strict=True):
        await join(running, curator, mentor, {**TEACHER_MENTOR, "name": name},
                   "Наставник (педагог)")
    await join(running, curator, xenia, {**TEACHER_MENTEE, "name": X_NAME},
               "Наставляемый (педагог)")
    # Questionnaires, typed answers included.
    await diagnose(xenia, [3, 2, 0, 0, 0, 0, 0, 3])
    assert "Помощь с уроками" != TYPED[0]
    await xenia.send("/surveys")
    await xenia.press("Пройти заново: Диагностика")
    for score in [3, 2, 0, 0, 0, 0, 0, 3]:
        await xenia.press(str(score))
    await xenia.send(TYPED[0])
    await xenia.send("/surveys")
    await xenia.press("Начать: Предпочтения")
    await xenia.press("Второй Наставник")
    await xenia.press("Готово")
    await xenia.press("Сделаем вместе")
    await xenia.press("Готово")
    await xenia.press("Онлайн")
    await xenia.send(TYPED[6 + 1])
    # A pair refused with a reason, then a pair agreed to, and a meeting she proposed.
    xenia_id = await user_id(running, xenia)
    first, second = [await user_id(running, mentor) for mentor in mentors]
    await curator.press_data(AcceptMatch(mentee=xenia_id, mentor=first).pack())
    await xenia.press("Отказаться")
    await xenia.send(TYPED[1])
    await curator.press_data(AcceptMatch(mentee=xenia_id, mentor=second).pack())
    await xenia.press("Согласен")
    await mentors[1].press("Согласен")
    await propose_meeting(xenia, TYPED[2], TYPED[3])
    await mentors[1].press("Принять")
    clock.current = datetime(2026, 11, 24, 12, 30, tzinfo=UTC)
    await running.outbox.pump()  # the reminders, sent to both, carry her place and topic
    # She mentors too (a second invitation, into the same school): a goal and a note.
    await xenia.send(f"/join {await invite_code(curator, 'Наставник (педагог)')}")
    await xenia.send("/profile")
    await xenia.press("Должность")
    await xenia.send(PROFILE_TYPED[0])
    await xenia.press("Ключевые компетенции")
    await xenia.send(PROFILE_TYPED[1])
    nina = running.person(201)
    await join(running, curator, nina, {**TEACHER_MENTEE, "name": "Нина Подопечная"},
               "Наставляемый (педагог)")
    await curator.press_data(AcceptMatch(mentee=await user_id(running, nina),
                                         mentor=xenia_id).pack())
    await nina.press("Согласен")
    await xenia.press("Согласен")
    await xenia.send("/plan")
    await xenia.press("Добавить пункт")
    await xenia.send(TYPED[4])
    await xenia.send("-")
    await propose_meeting(nina, "Кабинет 3", "Уроки", day="26.11")
    await xenia.press("Принять")
    clock.current = datetime(2026, 11, 26, 14, 30, tzinfo=UTC)
    await running.outbox.pump()
    await xenia.press("Да")
    await xenia.send(TYPED[5])
    # A curator too: an invitation and an announcement.
    await curator.send("/curators")
    await curator.press("Сделать куратором: Эрасова")
    await invite_code(xenia, "Наставник (педагог)")
    await xenia.send("/broadcast")
    await xenia.press("Написать текст")
    await xenia.send(TYPED[6])
    await xenia.press("Отправить")
    return curator, xenia, mentors, nina


def traces(value) -> list[str]:
    if value is None:
        return []
    shown = json.dumps(value, ensure_ascii=False) if isinstance(value, dict | list) \
        else str(value)
    return [secret for secret in SECRETS if secret.casefold() in shown.casefold()]


async def everything_in_the_database(running) -> list[tuple[str, str, object]]:
    """(table, column, value) of every text, JSON and id cell."""
    cells = []
    async with running.session() as session:
        for table in Base.metadata.sorted_tables:
            columns = [column for column in table.columns
                       if isinstance(column.type, String | Text | JSON | BigInteger | Integer)
                       or "JSON" in type(column.type).__name__]
            for row in await session.execute(select(*columns)):
                cells += [(table.name, column.name, value)
                          for column, value in zip(columns, row, strict=True)]
    return cells


async def left_behind(running) -> list[tuple[str, str, list[str]]]:
    return [(table, column, traces(value))
            for table, column, value in await everything_in_the_database(running)
            if traces(value)]


async def test_delete_me_leaves_no_trace_of_the_person_anywhere(running, clock):
    curator, xenia, mentors, nina = await a_person_who_did_everything(running, clock)
    found = {(table, column) for table, column, value in await everything_in_the_database(running)
             if traces(value)}
    # The scan sees her everywhere she left something before the erasure.
    assert found >= {("users", "telegram_id"), ("users", "username"), ("profiles", "full_name"),
                     ("profiles", "position"), ("profiles", "key_competences"),
                     ("answers", "value"), ("pair_members", "decline_reason"),
                     ("meetings", "place"), ("meetings", "topic"), ("meetings", "mentor_note"),
                     ("plan_items", "goal"), ("outbox", "params"), ("outbox", "chat_id"),
                     ("campaigns", "text")}, found
    scope = reports.Scope(None, None, datetime(2026, 8, 1, tzinfo=UTC),
                          datetime(2027, 1, 1, tzinfo=UTC))
    async with running.session() as session:
        before = await reports.diagnoses(session, scope)
    await xenia.send("/delete_me")
    await xenia.press("Да, удалить")
    assert await left_behind(running) == []
    # Her partners are told the pair ended, not who left.
    for partner in (mentors[1], nina):
        assert "Ваш партнёр вышел из программы" in partner.last.text
        assert "Эрасова" not in partner.last.text
    # The school's anonymous figures stay.
    async with running.session() as session:
        assert await reports.diagnoses(session, scope) == before
        (campaign,) = (await session.scalars(select(Campaign))).all()
        assert campaign.text is None and campaign.created_by is not None
    assert curator is not None


async def test_delete_me_erases_a_pupils_parent_contact(running):
    curator = await register_curator(running)
    kolya = running.person(X_ID)
    await join(running, curator, kolya, {**PUPIL_MENTEE, "name": X_NAME,
                                         "parent": PROFILE_TYPED[2]}, PUPIL_MENTEE["role"])
    found = {(table, column) for table, column, value in await everything_in_the_database(running)
             if PROFILE_TYPED[2] in traces(value)}
    assert found == {("profiles", "parent_contact")}
    await kolya.send("/delete_me")
    await kolya.press("Да, удалить")
    assert await left_behind(running) == []


async def test_messages_done_with_are_pruned_after_the_retention_period(running, clock):
    curator = await register_curator(running)
    petr = running.person(100)
    await join(running, curator, petr, TEACHER_MENTOR, "Наставник (педагог)")
    await curator.send("/broadcast")
    await curator.press("Написать текст")
    await curator.send("Собрание в пятницу")
    await curator.press("Отправить")
    async with running.session() as session:
        sent = await session.scalar(select(func.count()).select_from(OutboxMessage))
        assert sent >= 2  # the announcement and the curator's report on it
        clock.advance(outbox.KEEP_DONE - timedelta(hours=1))
        assert await outbox.prune(session, clock.now()) == 0
        clock.advance(timedelta(hours=2))
        assert await outbox.prune(session, clock.now()) == sent
        # What the curator was told stays with the campaign.
        (campaign,) = (await session.scalars(select(Campaign))).all()
        assert (campaign.delivered, campaign.failed) == (1, 0)
    said = texts(await curator.press("Статус доставки"))
    assert any("доставлено 1" in text for text in said)
