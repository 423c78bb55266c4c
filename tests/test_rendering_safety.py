"""What people type is shown as they typed it, wherever the bot renders it (replies, the
outbox, group chats, buttons, alerts, charts, captions), and no view can be pushed past
Telegram's limits by what people type. The mocked session checks every request against
Telegram's rules (tests/telegram_rules.py), so each test here fails on a single unescaped name."""

from datetime import UTC, datetime

import pytest
from aiogram.methods import SendPhoto
from sqlalchemy import select

from bot.demo.telegram_shapes import format_text
from models import OutboxMessage
from tests.flows import (
    TEACHER_MENTEE,
    TEACHER_MENTOR,
    active_pair,
    diagnose,
    join,
    make_municipality,
    propose_meeting,
    register,
    register_curator,
)
from tests.telegram import files, texts

pytestmark = pytest.mark.db

LINK = '<a href="https://evil.example/">Кабинет 5</a>'
BROKEN = "Разбор <b урока & «итоги»"


async def test_markup_typed_into_a_meeting_reaches_the_partner_as_typed(running, clock):
    _, petr, anna = await active_pair(running)
    await propose_meeting(petr, LINK, BROKEN)
    proposal = anna.last
    assert LINK in proposal.seen and BROKEN in proposal.seen and proposal.links == []
    await anna.press("Принять")
    clock.current = datetime(2026, 11, 24, 12, 30, tzinfo=UTC)
    await running.outbox.pump()
    for person in (anna, petr):
        reminder = person.last
        assert "Напоминание о встрече" in reminder.seen
        assert LINK in reminder.seen and BROKEN in reminder.seen and reminder.links == []
    clock.current = datetime(2026, 11, 25, 11, 30, tzinfo=UTC)
    await running.outbox.pump()
    clock.current = datetime(2026, 11, 25, 13, 30, tzinfo=UTC)
    await running.outbox.pump()
    assert "состоялась?" in petr.last.text
    # The mentor's nudge a day later, the follow-up unanswered.
    clock.current = datetime(2026, 11, 26, 13, 30, tzinfo=UTC)
    await running.outbox.pump()
    nudge = petr.last
    assert "Напоминаю" in nudge.seen
    assert BROKEN in nudge.seen and nudge.links == []
    async with running.session() as session:
        failed = (await session.scalars(select(OutboxMessage).where(
            OutboxMessage.status != "sent"))).all()
    assert [(row.kind, row.last_error) for row in failed] == []
    # Every view of the meeting shows it the same way.
    await anna.send("/meetings")
    assert BROKEN in anna.last.seen and LINK in anna.last.seen


NAME = 'Анна <b>«Ко»</b> & <a href="https://evil.example/">сайт</a>'
SCHOOL_NAME = "Школа <i>№1</i> & <b"


async def test_markup_in_names_and_plans_is_shown_as_typed_in_every_view(running):
    curator = await register_curator(running, school=SCHOOL_NAME)
    petr, anna = running.person(100), running.person(200)
    await join(running, curator, petr, {**TEACHER_MENTOR, "school": SCHOOL_NAME,
                                        "name": "Пётр " + NAME}, "Наставник (педагог)")
    await join(running, curator, anna, {**TEACHER_MENTEE, "school": SCHOOL_NAME,
                                        "name": NAME}, "Наставляемый (педагог)")
    await diagnose(anna, [3, 2, 0, 0, 0, 0, 0, 3])
    stranger = running.person(300)
    await register(stranger, {**TEACHER_MENTEE, "school": SCHOOL_NAME, "name": "Олег " + NAME})
    views = []
    for command in ("/match", "/confirm", "/curators", "/summary", "/invites"):
        await curator.send(command)
        views.append(curator.last)
    await curator.press("Принять")
    await anna.press("Согласен")
    await petr.press("Согласен")
    views += [anna.last, petr.last]  # «the pair has started», with the partner's name
    await petr.send("/plan")
    await petr.press("Добавить пункт")
    await petr.send("Цель <b>без конца & <a href='x'>")
    await petr.send("-")
    views.append(petr.last)
    for person in (anna, petr):
        await person.send("/pair")
        views.append(person.last)
    await curator.send("/pairs")
    await curator.press("Подробнее")
    views.append(curator.last)
    await curator.press("👤 Анна")
    views.append(curator.last)
    await curator.send("/summary")
    await curator.press("Предпочтения наставляемого: кто не прошёл")
    views.append(curator.last)
    for view in views:  # the only links are the bot's own: a partner's contact
        assert all(link.startswith("tg://user?id=") for link in view.links), view.seen
    seen = "\n".join(view.seen for view in views)
    assert NAME in seen and SCHOOL_NAME in seen and "Цель <b>без конца & <a href='x'>" in seen
    labels = [label for view in views for label, _ in view.buttons()]
    assert any(NAME in label for label in labels)


async def test_no_view_can_be_pushed_past_telegrams_limits_by_what_people_type(running, clock):
    curator, petr, anna = await active_pair(running)
    goal = "Цель & " + "длинная формулировка цели " * 11
    for number in range(30):  # more than fit: a plan holds 30 items with the proposed ones
        await petr.send("/plan")
        await petr.press("Добавить пункт")
        await petr.send(f"{number}. {goal}"[:300])
        await petr.send("-")
    # A page at a time, each within the limit; ticking an item on the last page edits it.
    said = await anna.send("/plan")
    (plan,) = [r for r in said if "Индивидуальный план" in getattr(r, "text", "")]
    assert "Страница 1 из 3" in plan.text
    await anna.press("▶️")
    await anna.press("▶️")
    assert "Страница 3 из 3" in anna.last.seen
    await anna.press("✅ 30")
    assert "30. ✅" in anna.last.seen and "Страница 3 из 3" in anna.last.seen
    # Long meeting texts: /meetings and the curator's card go out whole, in several messages.
    place, topic = "Место " * 50, "Тема " * 60
    for day in ("25.11", "26.11", "27.11", "28.11", "29.11", "30.11", "01.12", "02.12"):
        await propose_meeting(petr, place[:300], topic[:300], day=day)
        await anna.press("Принять")
    said = texts(await anna.send("/meetings"))
    assert len(said) > 1 and sum(text.count("• ") for text in said) == 8
    clock.current = datetime(2026, 12, 3, 9, 0, tzinfo=UTC)
    await curator.send("/pairs")
    said = texts(await curator.press("Подробнее"))
    assert len(said) > 1 and any("Диагностика" in text for text in said)


async def test_a_name_that_looks_like_a_formula_is_drawn_as_typed(running):
    curator, _, anna = await active_pair(running)
    await anna.send("/profile")
    await anna.press("✏️ ФИО")
    await anna.send(r"Анна $\frac{1 $ Ко")
    await curator.send("/pairs")
    await curator.press("Подробнее")
    said = await curator.press("До и после")
    ((_, png),) = files(said)
    assert png.startswith(b"\x89PNG")
    (photo,) = [r for r in said if isinstance(r, SendPhoto)]
    assert r"Анна $\frac{1 $ Ко" in format_text(photo.caption, "HTML")[0]


async def test_a_school_named_with_markup_is_placed_from_a_button_as_typed(running):
    lyceum = "Лицей <b>1</b> & «Мы»"
    regional = await register_curator(running, school=lyceum)
    await make_municipality(regional, "Энск")
    await regional.press("Добавить школу")
    assert [label for label, _ in regional.last.buttons()] == [lyceum]
    await regional.press(lyceum)
    # From another municipality's list it is shown as typed too, with where it is now.
    await make_municipality(regional, "Север")
    await regional.press("Добавить школу")
    assert [label for label, _ in regional.last.buttons()] == [f"{lyceum} (сейчас: Энск)"]
