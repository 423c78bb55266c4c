"""Meetings through the bot: proposal with the day picker, acceptance, reminders at the
right local time, rescheduling from a reminder, the mentor's log and the mentee's rating."""

from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from handlers.callbacks import MeetReply
from models import Meeting, OutboxMessage
from tests.flows import TEACHER_MENTEE, active_pair, propose_meeting, register, stored_user
from tests.telegram import texts

pytestmark = pytest.mark.db


async def the_meetings(running) -> list[Meeting]:
    async with running.session() as session:
        return list((await session.scalars(select(Meeting).order_by(Meeting.starts_at))).all())


async def owed(running, kind) -> list[OutboxMessage]:
    async with running.session() as session:
        return list((await session.scalars(select(OutboxMessage).where(
            OutboxMessage.kind == kind).order_by(OutboxMessage.due_at))).all())


async def test_proposed_accepted_reminded_and_logged(running, clock):
    _, petr, anna = await active_pair(running)
    said = texts(await propose_meeting(petr))
    assert "Предложение отправлено партнёру. Я сообщу, как только придёт ответ." in said
    proposal = anna.last.text
    assert "Наставник 0 предлагает встречу" in proposal and "25.11.2026 15:30" in proposal
    assert "«Сделаем вместе»" in proposal
    await anna.press("Принять")
    assert "принял(а) встречу 25.11.2026 15:30" in petr.last.text
    (meeting,) = await the_meetings(running)
    assert meeting.status == "accepted"
    assert meeting.starts_at == datetime(2026, 11, 25, 12, 30, tzinfo=UTC)  # 15:30 in Moscow
    reminders = await owed(running, "meeting-reminder")
    assert sorted({r.due_at for r in reminders}) == [
        datetime(2026, 11, 24, 12, 30, tzinfo=UTC), datetime(2026, 11, 25, 11, 30, tzinfo=UTC)]
    assert len(reminders) == 4
    clock.current = datetime(2026, 11, 24, 12, 30, tzinfo=UTC)
    await running.outbox.pump()
    for person in (anna, petr):
        assert "Напоминание о встрече" in person.last.text
        assert "25.11.2026 15:30" in person.last.text
    said = texts(await anna.press("Буду"))
    assert "До встречи!" in said
    clock.current = datetime(2026, 11, 25, 13, 30, tzinfo=UTC)
    await running.outbox.pump()
    assert "состоялась?" in petr.last.text
    assert "Оцените от 1 до 5" in anna.last.text
    await petr.press("Да")
    await petr.send("Разобрали урок, составили план на неделю")
    await anna.press("4")
    (meeting,) = await the_meetings(running)
    assert (meeting.held, meeting.mentor_note, meeting.mentee_rating) == (
        True, "Разобрали урок, составили план на неделю", 4)
    await anna.send("/meetings")
    assert "Прошедшие встречи" in anna.last.text and "Разбор урока" in anna.last.text


async def test_reschedule_from_a_reminder_withdraws_its_messages(running, clock):
    _, petr, anna = await active_pair(running)
    await propose_meeting(petr)
    await anna.press("Принять")
    clock.current = datetime(2026, 11, 24, 12, 30, tzinfo=UTC)
    await running.outbox.pump()
    said = texts(await anna.press("Перенести"))
    assert "Выберите день встречи:" in said
    assert "просит перенести встречу 25.11.2026 15:30" in petr.last.text
    (meeting,) = await the_meetings(running)
    assert meeting.status == "cancelled"
    statuses = {r.status for r in await owed(running, "meeting-reminder") + await owed(
        running, "meeting-followup") if r.due_at > clock.now()}
    assert statuses == {"cancelled"}


async def test_weekly_series_and_personal_reminder_settings(running):
    _, petr, anna = await active_pair(running)
    await petr.send("/settings")
    await petr.press("За час")  # off: Petr wants only the day-before reminder
    await anna.send("/settings")
    await anna.press("Екатеринбург")
    async with running.session() as session:
        assert (await stored_user(session, petr.user.id)).reminder_minutes == [1440]
        assert (await stored_user(session, anna.user.id)).timezone == "Asia/Yekaterinburg"
    await propose_meeting(petr, repeat="Каждую неделю")
    # Proposed for 15:30 in Moscow: Anna sees it in her own time, 17:30 in Yekaterinburg.
    assert "25.11.2026 17:30" in anna.last.text
    await anna.press("Принять")
    series = await the_meetings(running)
    assert len(series) == 27 and series[-1].starts_at.date().isoformat() == "2027-05-26"
    reminders = await owed(running, "meeting-reminder")
    async with running.session() as session:
        petr_id = (await stored_user(session, petr.user.id)).id
    assert len([r for r in reminders if r.user_id == petr_id]) == 27
    assert len([r for r in reminders if r.user_id != petr_id]) == 54


async def test_pressing_a_setting_already_chosen(running):
    # Telegram refuses to redraw a keyboard that has not changed; this used to fail the update.
    anna = running.person()
    await register(anna, TEACHER_MENTEE)
    await anna.send("/settings")
    for label in ("Москва", "Выключить", "Выключить"):
        assert texts(await anna.press(label)) == ["Сохранено."]
    async with running.session() as session:
        user = await stored_user(session, anna.user.id)
        assert (user.timezone, user.reminder_minutes) == ("Europe/Moscow", [])


async def test_bad_time_stale_and_forged_answers(running):
    _, petr, anna = await active_pair(running)
    await petr.send("/meet")
    await petr.press("22.11")
    said = texts(await petr.send("в три"))
    assert said == ["Напишите время так: 15:30."]
    said = texts(await petr.send("08:00"))  # 08:00 in Moscow has passed at 12:00
    assert said == ["Это время уже прошло. Выберите другое."]
    await petr.send("/cancel")
    await propose_meeting(petr)
    (meeting,) = await the_meetings(running)
    stranger = running.person(999)
    await register(stranger, TEACHER_MENTEE)
    accept = MeetReply(meeting=meeting.id, act="accept").pack()
    assert texts(await stranger.press_data(accept)) == ["Эта кнопка больше не действует."]
    assert texts(await petr.press_data(accept)) == ["Эта кнопка больше не действует."]
    await anna.press("Отклонить")
    assert texts(await anna.press_data(accept)) == ["Эта кнопка больше не действует."]
    assert "не может встретиться 25.11.2026 15:30" in petr.last.text
    assert (await the_meetings(running))[0].status == "declined"


async def test_ending_a_pair_cancels_its_future_meetings_and_reminders(running):
    curator, petr, anna = await active_pair(running)
    await propose_meeting(petr, repeat="Каждую неделю")
    await anna.press("Принять")
    assert any(r.status == "pending" for r in await owed(running, "meeting-reminder"))
    await curator.send("/pairs")
    await curator.press("Завершить")
    await curator.press("Да, завершить")
    assert {m.status for m in await the_meetings(running)} == {"cancelled"}
    assert {r.status for r in await owed(running, "meeting-reminder")} == {"cancelled"}


async def test_a_text_the_conversation_asks_for_is_checked_once(running):
    """The one check (handlers/typed_text.py) for a meeting's place and topic and a plan's goal:
    a command or a sticker gets the conversation's hint, a text over the limit its length and the
    limit, and nothing of either is kept; the text that fits goes on."""
    _, petr, _ = await active_pair(running)
    await petr.send("/meet")
    await petr.press("25.11")
    await petr.send("15:30")
    assert texts(await petr.send("/nowhere")) == ["Ответьте, пожалуйста, текстом или кнопкой."]
    said = texts(await petr.send("к" * 301))
    assert said == ["Слишком длинно: 301 символов, можно до 300. Сократите, пожалуйста."]
    await petr.send("  Кабинет 12  ")
    assert "тема" in petr.last.text.lower()
    await petr.send("Разбор урока")
    await petr.press("Сделаем вместе")
    await petr.press("Один раз")
    async with running.session() as session:
        meeting = await session.scalar(select(Meeting))
    assert (meeting.place, meeting.topic) == ("Кабинет 12", "Разбор урока")
    await petr.send("/plan")
    await petr.press("Добавить")
    assert "до 300 символов" in texts(await petr.send("/nowhere"))[0]
