"""A meeting's length, picked by its proposer on the last step (an hour unless another is
picked), stored, shown and used for the question after it; a counter-proposal («another time»,
or a move from a reminder) linked to the meeting it answers, and the history read as one
thread."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from handlers.callbacks import MeetLength
from models import Meeting, OutboxMessage
from services.meetings import MeetingLength
from tests.flows import active_pair, describe_meeting, fill_proposal, propose_meeting
from tests.telegram import files, texts

pytestmark = pytest.mark.db

STALE = ["Эта кнопка больше не действует."]


async def the_meetings(running) -> list[Meeting]:
    async with running.session() as session:
        return list((await session.scalars(select(Meeting).order_by(Meeting.id))).all())


async def followups(running) -> set[datetime]:
    async with running.session() as session:
        return set((await session.scalars(select(OutboxMessage.due_at).where(
            OutboxMessage.kind == "meeting-followup"))).all())


async def test_an_hour_unless_the_proposer_picks_another_length(running):
    _, petr, anna = await active_pair(running)
    await propose_meeting(petr)
    assert "Когда: 25.11.2026 15:30–16:30" in anna.last.text
    await propose_meeting(petr, day="26.11", length="45 мин")
    assert "Когда: 26.11.2026 15:30–16:15" in anna.last.text
    first, second = await the_meetings(running)
    assert (first.minutes, second.minutes) == (60, 45)
    await anna.press("Принять")
    # The question after the meeting comes at its end: 45 minutes after 15:30 in Moscow.
    assert await followups(running) == {datetime(2026, 11, 26, 13, 15, tzinfo=UTC)}
    await anna.send("/meetings")
    assert "26.11.2026 15:30–16:15 — Разбор урока" in anna.last.text


async def test_the_length_buttons_tick_the_choice_and_the_last_one_counts(running):
    _, petr, _ = await active_pair(running)
    await petr.send("/meet")
    await describe_meeting(petr)
    await petr.press("Сделаем вместе")
    assert [label for label, _ in petr.last.buttons()][:4] == [
        "30 мин", "45 мин", "✓ 60 мин", "90 мин"]
    await petr.press("90 мин")
    await petr.press("30 мин")
    assert [label for label, _ in petr.last.buttons()][:4] == [
        "✓ 30 мин", "45 мин", "60 мин", "90 мин"]
    assert texts(await petr.press("30 мин")) == []  # the same again: nothing changes
    await petr.press("Один раз")
    (meeting,) = await the_meetings(running)
    assert meeting.minutes == 30


async def test_a_forged_or_stale_length_button_is_refused(running):
    _, petr, anna = await active_pair(running)
    await petr.send("/meet")
    await describe_meeting(petr)
    # Pressed before the step that shows it: not this conversation's button.
    length = MeetLength(minutes=MeetingLength.HALF_HOUR).pack()
    assert texts(await petr.press_data(length)) == STALE
    await petr.press("Сделаем вместе")
    # A length the buttons never offered, and no number at all.
    for forged in ("mlen:50", "mlen:600000", "mlen:half"):
        assert texts(await petr.press_data(forged)) == STALE
    await petr.press("Один раз")
    (meeting,) = await the_meetings(running)
    assert meeting.minutes == 60
    # After the proposal is sent, its length buttons are stale.
    assert texts(await petr.press_data(length)) == STALE
    assert (await the_meetings(running))[0].minutes == 60
    assert "15:30–16:30" in anna.last.text


async def test_another_time_is_a_counter_proposal_linked_to_the_meeting(running, clock):
    curator, petr, anna = await active_pair(running)
    await propose_meeting(petr)
    said = texts(await anna.press("Другое время"))
    assert "Выберите день встречи:" in said
    await fill_proposal(anna, day="26.11", at="10:00", place="Онлайн", topic="Разбор урока",
                        length="45 мин")
    original, counter = await the_meetings(running)
    assert (original.status, original.counter_to_id) == ("declined", None)
    assert (counter.status, counter.counter_to_id, counter.minutes) == (
        "proposed", original.id, 45)
    proposal = petr.last.text
    assert "предлагает другое время" in proposal
    assert "встречное предложение к встрече 25.11.2026 15:30" in proposal
    assert "Когда: 26.11.2026 10:00–10:45" in proposal
    await petr.send("/meetings")
    assert "26.11.2026 10:00–10:45 — Разбор урока (Онлайн) · ждёт ответа · встречное " \
        "предложение к встрече 25.11.2026 15:30" in petr.last.text
    await petr.press("Принять")
    # After the meeting the pair's card tells the thread too.
    clock.current = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
    await curator.send("/pairs")
    said = texts(await curator.press("Подробнее"))
    card = next(t for t in said if "Встречи" in t)
    assert "26.11 10:00–10:45 — Разбор урока · встречное предложение к встрече 25.11 15:30" \
        in card
    # And the export: its length, and the meeting it answers.
    ((_, content),) = files(await curator.send("/export"))
    header, *rows = load_workbook(io.BytesIO(content), read_only=True)["Встречи"].iter_rows(
        values_only=True)
    shown = [dict(zip(header, row, strict=True)) for row in rows]
    assert [(row["Дата и время"], row["Минут"], row["Встречное предложение к встрече"])
            for row in shown] == [(datetime(2026, 11, 25, 15, 30), 60, None),
                                  (datetime(2026, 11, 26, 10, 0), 45,
                                   datetime(2026, 11, 25, 15, 30))]


async def test_a_meeting_moved_from_its_reminder_links_the_new_proposal(running, clock):
    _, petr, anna = await active_pair(running)
    await propose_meeting(petr)
    await anna.press("Принять")
    clock.current = datetime(2026, 11, 24, 12, 30, tzinfo=UTC)
    await running.outbox.pump()
    await anna.press("Перенести")
    await fill_proposal(anna, day="27.11", at="16:00")
    moved, proposal = await the_meetings(running)
    assert (moved.status, proposal.counter_to_id) == ("cancelled", moved.id)
    assert "встречное предложение к встрече 25.11.2026 15:30" in petr.last.text
    # An ordinary proposal afterwards answers nothing.
    clock.advance(timedelta(minutes=1))
    await propose_meeting(petr, day="28.11")
    assert (await the_meetings(running))[-1].counter_to_id is None
