"""/mydata, /delete_me and the consent record, through the bot and in the database."""

import json
from datetime import UTC, datetime

import pytest
from aiogram.methods import DeleteMyCommands
from sqlalchemy import func, select

from models import Answer, ConsentText, OutboxMessage, Pair, Profile, Response, User
from services import privacy, reports
from tests.flows import TEACHER_MENTEE, active_pair, propose_meeting, register, stored_user
from tests.telegram import files, texts

pytestmark = pytest.mark.db


def everything_scope() -> reports.Scope:
    return reports.Scope(None, None, datetime(2026, 8, 1, tzinfo=UTC),
                         datetime(2027, 1, 1, tzinfo=UTC))


async def test_consent_is_recorded_with_its_time_and_text_version(running, clock):
    anna, john = running.person(1001), running.person(1002, language_code="en")
    await register(anna, TEACHER_MENTEE)
    await john.send("/start")
    english = john.last.text
    await john.press("I agree")
    async with running.session() as session:
        stored_anna = await stored_user(session, anna.user.id)
        stored_john = await stored_user(session, john.user.id)
        texts_kept = {row.version: row for row in await session.scalars(select(ConsentText))}
    assert stored_anna.consent_at == clock.now()
    assert stored_anna.consent_version != stored_john.consent_version
    # The consent itself is kept, under the greeting it was shown with.
    assert english.endswith("\n\n" + texts_kept[stored_john.consent_version].text)
    assert texts_kept[stored_john.consent_version].locale == "en"
    assert "Согласие на обработку персональных данных" in \
        texts_kept[stored_anna.consent_version].text
    assert stored_anna.consent_version == privacy.consent_version(
        texts_kept[stored_anna.consent_version].text)


async def test_mydata_sends_everything_about_the_person_and_nothing_about_others(running):
    _curator, petr, anna = await active_pair(running)
    said = await anna.send("/mydata")
    (readable_name, readable), (name, content) = files(said)
    assert readable_name == "мои-данные.txt" and name == "my-data.json"
    data = json.loads(content)
    assert (data["person"]["messenger"], data["person"]["messenger_id"]) == (
        "telegram", anna.user.id)
    assert data["profile"]["full_name"] == "Наставляемая 0"
    assert data["consent"]["text_version"] and "Согласие" in data["consent"]["text"]
    (diagnosis,) = data["questionnaires"]
    assert diagnosis["completed_at"] and len(diagnosis["answers"]) == 9
    assert diagnosis["answers"][0]["answer"] == 3
    (pair,) = data["pairs"]
    assert pair["status"] == "active" and pair["partners"] == ["mentor"]
    # The partner and the curator are not in it.
    for other in ("Наставник 0", "Куратор", str(petr.user.id)):
        assert other not in content.decode("utf-8")
        assert other not in readable.decode("utf-8")


async def test_mydata_reads_in_words_as_the_person_gave_it(running):
    """Labels, not codes; the colleague chosen by name, not ["2"]; the person's language."""
    _curator, _petr, anna = await active_pair(running)
    await anna.send("/surveys")
    await anna.press("Начать: Предпочтения")
    await anna.press("Наставник 0")
    await anna.press("Готово")
    await anna.press("Сделаем вместе")
    await anna.press("Готово")
    await anna.press("Онлайн")
    await anna.send("По вторникам <b>после</b> уроков")
    (_, readable), (_, content) = files(await anna.send("/mydata"))
    text = readable.decode("utf-8")
    assert "ФИО: Наставляемая 0" in text
    assert "Категория: Молодой специалист" in text and "young_specialist" not in text
    assert "Роль: Наставляемый (педагог) (подтверждена куратором" in text
    assert "Диагностика профессиональных дефицитов (заполнена" in text
    assert ": Наставник 0" in text and '["' not in text
    assert "По вторникам <b>после</b> уроков" in text  # as typed, not as HTML
    assert "Пара учитель – учитель (работает), вы — наставляемый" in text
    assert "&lt;" not in text and "<i>" not in text
    # The machine-readable copy keeps the codes.
    data = json.loads(content)
    assert data["profile"]["mentee_category"] == "young_specialist"
    await anna.send("/language")
    await anna.press("English")
    (name, readable), _ = files(await anna.send("/mydata"))
    assert name == "my-data.txt" and "WHAT THE BOT KEEPS ABOUT YOU" in readable.decode("utf-8")


async def test_delete_me_erases_what_names_the_person_and_keeps_anonymous_scores(running):
    _curator, _petr, anna = await active_pair(running)
    await anna.send("/delete_me")
    assert "Хорошо, ничего не удалено." in texts(await anna.press("Нет, оставить"))
    async with running.session() as session:
        before = (await reports.diagnoses(session, everything_scope()))[1]
        assert await stored_user(session, anna.user.id) is not None
    await anna.send("/delete_me")
    said = texts(await anna.press("Да, удалить"))
    assert any("данные удалены" in text for text in said)

    async with running.session() as session:
        assert await stored_user(session, anna.user.id) is None
        erased = await session.scalar(select(User).where(User.erased_at.is_not(None)))
        assert erased.telegram_id < 0 and erased.username is None
        profile = await session.get(Profile, erased.id)
        assert profile.full_name is None and profile.school_id is not None
        values = dict((await session.execute(
            select(Answer.question_id, Answer.value).join(Response)
            .where(Response.user_id == erased.id))).all())
        assert values["expected_help"] is None  # typed text may name someone
        assert values["area_methods"] == 3
        pair = await session.scalar(select(Pair))
        assert pair.status == "cancelled"
        owed = await session.scalar(select(func.count()).select_from(OutboxMessage).where(
            OutboxMessage.chat_id == anna.user.id, OutboxMessage.status == "pending"))
        assert owed == 0
        # Her scores still count in the school's figures, and she counts, anonymously, among
        # the participants of a period she took part in; not of one after she left, and
        # nobody lists or reminds her any more.
        after = (await reports.diagnoses(session, everything_scope()))[1]
        assert after == before
        people = await reports.people(session, everything_scope())
        assert erased.id in {person.user_id for person in people}
        later = reports.Scope(None, None, datetime(2026, 11, 23, tzinfo=UTC),
                              datetime(2027, 1, 1, tzinfo=UTC))
        assert erased.id not in {person.user_id for person in await reports.people(session,
                                                                                   later)}
        listed = await reports.laggards(session, everything_scope(), "satisfaction_mentee",
                                        ["mentee_teacher"])
        assert erased.id not in {user_id for user_id, _, _ in listed}

    # The curator's lists no longer name her; she can come back as a new person.
    said = texts(await anna.send("/surveys"))
    assert said == ["Сначала отправьте /start и дайте согласие на обработку данных."]
    await register(anna, TEACHER_MENTEE)
    async with running.session() as session:
        assert (await stored_user(session, anna.user.id)).id != erased.id


async def test_a_partner_who_withdraws_leaves_words_for_the_partner_and_the_curator(running):
    """Not a silent «Встреч пока нет»: the partner learns the pair ended and which meetings are
    off; the curator that the pair is cancelled and who is left without one, never who left."""
    curator, petr, anna = await active_pair(running)
    await propose_meeting(petr)
    await anna.press("Принять")
    await anna.send("/delete_me")
    sent = await anna.press("Да, удалить")
    # Anna curated nothing: there is no curator's menu of hers to take away.
    assert not [r for r in sent if isinstance(r, DeleteMyCommands)]
    told = [m.text for m in petr.messages()[-2:]]
    assert told == ["Ваш партнёр вышел из программы, и пара отменена. Куратор подберёт новый "
                    "вариант.",
                    "Запланированные встречи этой пары отменены, напоминаний о них не будет: "
                    "25.11.2026 15:30."]
    assert curator.last.text == ("Пара отменена: участник вышел из программы и удалил свои "
                                 "данные. Без пары остались: Наставник 0 — нужно подобрать "
                                 "новый вариант. Отменено запланированных встреч: 1.")
    assert "Наставляемая 0" not in curator.last.text
    await petr.send("/meetings")
    assert "Встреч пока нет" in petr.last.text
