"""Single-use things are taken with one conditional write, so pressing at the same moment, or
twice, does it once: a pupil's invitation, a coordinator's invitation, both sides' consent to a
pair, a reminder campaign, the consent to data processing. Dates in buttons are only those the
bot offered. Each test runs on SQLite and again on PostgreSQL (.ci/run)."""

import asyncio
from contextlib import suppress

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from handlers.callbacks import MeetDay
from models import Campaign, Meeting, MunicipalCoordinator, OutboxMessage, Pair, PlanItem, User
from services import invites, people
from tests.flows import (
    PUPIL_MENTEE,
    PUPIL_MENTOR,
    SCHOOL,
    TEACHER_MENTOR,
    active_pair,
    coordinator_link,
    join,
    make_municipality,
    register_curator,
    school_with_pair_candidates,
)
from tests.telegram import texts

pytestmark = pytest.mark.db
STALE = "Эта кнопка больше не действует."


class Together:
    """Holds each of `parties` callers at a point until all of them reach it (or a second
    passes), so that they read the same state before any of them writes."""

    def __init__(self, parties: int) -> None:
        self.barrier = asyncio.Barrier(parties)

    async def meet(self) -> None:
        with suppress(TimeoutError, asyncio.BrokenBarrierError):
            await asyncio.wait_for(self.barrier.wait(), 1.0)


def read_pairs_together(monkeypatch) -> None:
    """Two updates loading a pair both load it before either goes on."""
    together, get = Together(2), AsyncSession.get

    async def get_together(self, entity, *args, **kwargs):
        found = await get(self, entity, *args, **kwargs)
        if entity is Pair:
            await together.meet()
        return found

    monkeypatch.setattr(AsyncSession, "get", get_together)


def find_invitations_together(monkeypatch) -> None:
    """Two updates looking up an invitation both find it before either goes on."""
    together, find = Together(2), invites.find

    async def find_together(*args, **kwargs):
        found = await find(*args, **kwargs)
        await together.meet()
        return found

    monkeypatch.setattr(invites, "find", find_together)


async def test_a_single_use_invitation_admits_one_of_two_pupils_pressing_at_once(
        running, monkeypatch):
    curator = await register_curator(running)
    masha, kolya, petya = running.person(300), running.person(301), running.person(302)
    for person, profile in ((masha, PUPIL_MENTOR), (kolya, PUPIL_MENTEE),
                            (petya, {**PUPIL_MENTEE, "name": "Петя Петров"})):
        await join(running, curator, person, profile, profile["role"])
    said = texts(await masha.send("/invite"))
    code = next(t for t in said if "<code>" in t).split("<code>")[1].split("</code>")[0]
    for pupil in (kolya, petya):
        await pupil.send(f"/join {code}")
    find_invitations_together(monkeypatch)
    said = await asyncio.gather(kolya.press("Согласен"), petya.press("Согласен"))
    async with running.session() as session:
        (pair,) = (await session.scalars(select(Pair))).all()
        assert len(pair.members) == 2
    # (The two presses' requests interleave: the refusal is one of them.)
    assert "Это приглашение уже использовано. Попросите новое." in texts(said[0] + said[1])


async def test_both_sides_agreeing_at_once_start_the_pair_once(running, monkeypatch):
    curator, (petr,), (anna,) = await school_with_pair_candidates(running)
    await curator.send("/match")
    await curator.press("Принять")
    agree = anna.find_button("Согласен")
    read_pairs_together(monkeypatch)
    await asyncio.gather(anna.press("Согласен"), petr.press("Согласен"))
    monkeypatch.undo()
    async with running.session() as session:
        pair = await session.scalar(select(Pair))
        items = await session.scalar(select(func.count(PlanItem.id)))
    assert pair.status == "active" and pair.started_on is not None
    assert items == len({item.area for item in pair.plan}) > 0  # the plan proposed once
    for person in (anna, petr):
        assert any("Пара начала работу" in m.text for m in person.messages()[-3:])
    # And a consent pressed again counts once.
    assert texts(await anna.press_data(agree[1], agree[0])) == [STALE]


async def test_send_reminder_pressed_twice_sends_once(running):
    curator, _, _ = await active_pair(running)
    await curator.send("/remind satisfaction_mentee")
    message_id, data = curator.find_button("Напомнить")
    first = texts(await curator.press_data(data, message_id))
    second = texts(await curator.press_data(data, message_id))
    assert any("Поставлено в очередь: 1." in text for text in first), first
    assert second == ["Это уже отправлено: получателей 1, доставлено 1, ждут отправки 0."]
    async with running.session() as session:
        assert await session.scalar(select(func.count(Campaign.id))) == 1
        reminders = await session.scalar(select(func.count(OutboxMessage.id)).where(
            OutboxMessage.kind == "remind"))
    assert reminders == 1


async def test_two_consents_at_once_make_one_person(running):
    async def agree(session_number: int) -> int:
        async with running.session() as session:
            user = await people.register(session, people.Registration(
                telegram_id=4242, locale="ru", start_payload=None))
            await session.commit()
            return user.id

    first, second = await asyncio.gather(agree(1), agree(2))
    assert first == second
    async with running.session() as session:
        assert await session.scalar(select(func.count(User.id))) == 1


async def test_only_a_day_the_picker_offered_can_be_picked(running, clock):
    _, petr, anna = await active_pair(running)
    await petr.send("/meet")
    for forged in ("99991225", "20261221", "20261121", "2026-11-25"):
        assert texts(await petr.press_data(MeetDay(day=forged).pack())) == [STALE], forged
    await petr.press("25.11")  # an offered day still works
    assert "Во сколько" in petr.last.text or ":" in str(petr.last.buttons())
    async with running.session() as session:
        assert await session.scalar(select(func.count(Meeting.id))) == 0
    assert anna is not None


async def test_two_curators_ending_a_pair_at_once_end_it_once(running, monkeypatch):
    regional, petr, anna = await active_pair(running)
    olga = running.person(950)
    await join(running, regional, olga, {**TEACHER_MENTOR, "name": "Орлова Ольга"},
               "Наставник (педагог)")
    await regional.send("/curators")
    await regional.press("Сделать куратором: Орлова")
    for curator in (regional, olga):
        await curator.send("/pairs")
        await curator.press("Завершить")
    sure = [curator.find_button("Да, завершить") for curator in (regional, olga)]
    read_pairs_together(monkeypatch)
    await asyncio.gather(*(curator.press_data(data, message_id)
                           for curator, (message_id, data) in zip((regional, olga), sure,
                                                                   strict=True)))
    monkeypatch.undo()
    for person in (petr, anna):
        ended = [m for m in person.messages() if "Работа вашей пары завершена" in m.text]
        assert len(ended) == 1


async def test_a_coordinators_invitation_appoints_one_of_two_people_opening_it_at_once(
        running, monkeypatch):
    curator = await register_curator(running)
    await make_municipality(curator, "Городской округ Энск", SCHOOL)
    payload = await coordinator_link(curator, "Городской округ Энск")
    olga, boris = running.person(700), running.person(701)
    for person in (olga, boris):
        await person.send("/start")
        await person.press("Согласен")
    find_invitations_together(monkeypatch)
    said = await asyncio.gather(olga.send(f"/join {payload[2:]}"),
                                boris.send(f"/join {payload[2:]}"))
    async with running.session() as session:
        assert await session.scalar(select(func.count(MunicipalCoordinator.id))) == 1
    assert "Это приглашение уже использовано. Попросите новое." in texts(said[0] + said[1])
