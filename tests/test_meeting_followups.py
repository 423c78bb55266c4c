"""After a meeting: a follow-up nobody answered is counted as unknown, not as held, in the
summary, the pair's card and the export, and the mentor is nudged once (through the outbox,
across a restart), never again, and not at all once they answered."""

import io
from datetime import UTC, datetime, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import delete, select

from bot.factory import build_app
from models import Meeting, OutboxMessage
from services.meetings import NUDGE_AFTER
from tests.conftest import Running
from tests.flows import active_pair, propose_meeting
from tests.telegram import files, texts

pytestmark = pytest.mark.db

# The meeting of propose_meeting: 25.11.2026 15:30 in Moscow, an hour long.
ENDS = datetime(2026, 11, 25, 13, 30, tzinfo=UTC)
NUDGE = "Напоминаю: встреча 25.11.2026 15:30"


async def summary_of(curator) -> str:
    (summary,) = [t for t in texts(await curator.send("/summary")) if "Сводка" in t]
    return summary


async def nudges(running) -> list[OutboxMessage]:
    async with running.session() as session:
        return list((await session.scalars(select(OutboxMessage).where(
            OutboxMessage.kind == "meeting-nudge"))).all())


def sheet(book, name: str) -> list[dict]:
    header, *rows = book[name].iter_rows(values_only=True)
    return [dict(zip(header, row, strict=True)) for row in rows]


def nudged(person) -> int:
    return sum(NUDGE in message.text for message in person.messages())


async def a_meeting_that_has_ended(running, clock):
    curator, petr, anna = await active_pair(running)
    await propose_meeting(petr)
    await anna.press("Принять")
    clock.current = ENDS
    await running.outbox.pump()
    assert "состоялась?" in petr.last.text
    return curator, petr, anna


async def test_an_unanswered_meeting_is_unknown_and_its_mentor_is_nudged_once(settings, clock):
    first = await Running(build_app(settings, clock=clock)).start()
    second = None
    try:
        curator, petr, _ = await a_meeting_that_has_ended(first, clock)
        summary = await summary_of(curator)
        assert "Встречи за период: состоялись 0, неизвестно 1 (наставник не ответил)" in summary
        (owed,) = await nudges(first)
        assert (owed.due_at, owed.status) == (ENDS + NUDGE_AFTER, "pending")
        clock.current = ENDS + NUDGE_AFTER - timedelta(minutes=1)
        await first.outbox.pump()
        assert nudged(petr) == 0
        # The bot restarts before the nudge is due: the new process owes it all the same.
        await first.stop()
        first = None
        second = await Running(build_app(settings, clock=clock)).start()
        petr, curator = second.person(petr.user.id), second.person(curator.user.id)
        clock.current = ENDS + NUDGE_AFTER
        await second.outbox.pump()
        assert nudged(petr) == 1
        assert "Пока вы не ответили, в сводке куратора она считается неизвестной." in \
            petr.last.text
        # Days pass and the bot keeps running: the nudge is not repeated.
        for _ in range(3):
            clock.advance(timedelta(days=1))
            await second.outbox.pump()
        assert nudged(petr) == 1
        assert [row.status for row in await nudges(second)] == ["sent"]
        # The mentor answers the nudge: the meeting is held, and counted so.
        await petr.press("Да")
        await petr.send("Разобрали урок")
        async with second.session() as session:
            meeting = await session.scalar(select(Meeting))
        assert (meeting.held, meeting.mentor_note) == (True, "Разобрали урок")
        summary = await summary_of(curator)
        assert "Встречи за период: состоялись 1, неизвестно 0 (наставник не ответил)" in summary
    finally:
        for running in (first, second):
            if running is not None:
                await running.stop()


async def test_an_answered_follow_up_withdraws_the_nudge(running, clock):
    curator, petr, _ = await a_meeting_that_has_ended(running, clock)
    await petr.press("Нет")
    assert [row.status for row in await nudges(running)] == ["cancelled"]
    clock.current = ENDS + NUDGE_AFTER + timedelta(hours=1)
    await running.outbox.pump()
    assert nudged(petr) == 0
    # Not held is not unknown either.
    summary = await summary_of(curator)
    assert "Встречи за период: состоялись 0, неизвестно 0 (наставник не ответил)" in summary


async def test_a_meeting_agreed_before_nudges_were_planned_gets_one_from_the_daily_plan(
        running, clock):
    _, petr, _ = await a_meeting_that_has_ended(running, clock)
    # As for a meeting agreed before the upgrade that planned nudges with it: none is owed.
    async with running.session() as session:
        await session.execute(delete(OutboxMessage).where(OutboxMessage.kind == "meeting-nudge"))
        await session.commit()
    planner = running.app.daily_planner(running.outbox)
    await planner.run()
    (owed,) = await nudges(running)
    assert owed.due_at == ENDS + NUDGE_AFTER
    clock.current = ENDS + NUDGE_AFTER
    await running.outbox.pump()
    assert nudged(petr) == 1
    # The daily planning again, day after day: what it planned is not planned twice.
    for _ in range(3):
        await planner.run()
        await running.outbox.pump()
        clock.advance(timedelta(days=1))
    assert nudged(petr) == 1
    assert [row.status for row in await nudges(running)] == ["sent"]


async def test_the_pair_card_and_the_export_count_an_unanswered_meeting_as_unknown(running,
                                                                                  clock):
    curator, _, _ = await a_meeting_that_has_ended(running, clock)
    await curator.send("/pairs")
    said = texts(await curator.press("Подробнее"))
    card = next(t for t in said if "Встречи" in t)
    assert "состоялось 0, впереди 0, не состоялось 0, неизвестно 1" in card
    ((_, content),) = files(await curator.send("/export"))
    book = load_workbook(io.BytesIO(content), read_only=True)
    (pair,), (meeting,) = (sheet(book, name) for name in ("Пары", "Встречи"))
    assert (pair["Встреч проведено за период"], pair["Встреч без ответа наставника"]) == (0, 1)
    assert meeting["Состоялась"] == "неизвестно"
