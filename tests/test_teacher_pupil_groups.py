"""«Учитель – ученик» groups (one teacher, several pupils): everybody agrees to the group as it
is now, an answer counts only for that group, and pupils learn nothing about each other's
health or school record."""

import pytest
from sqlalchemy import select

from models import Pair
from tests.flows import PUPIL_MENTEE, join, stored_user
from tests.telegram import texts
from tests.test_teacher_pupil import school

pytestmark = pytest.mark.db
STARTED = "Пара начала работу"
STALE = ["Эта кнопка больше не действует."]


async def proposed_pair(running, clock):
    """Petr and Kolya proposed as a «учитель – неуспевающий ученик» pair by /match, and Lena, a
    further confirmed pupil the curator may add: (curator, petr, kolya, lena, ids, pair id)."""
    curator, (petr, _, _, kolya, _), ids, _ = await school(running, clock)
    lena = running.person(303)
    await join(running, curator, lena, {**PUPIL_MENTEE, "name": "Лебедева Лена", "grade": "2",
                                        "help": ["Творчество"]}, PUPIL_MENTEE["role"])
    async with running.session() as session:
        ids[lena] = (await stored_user(session, lena.user.id)).id
    await curator.send("/match")
    await curator.press("учитель – ученик")
    suggestion = next(m for m in reversed(curator.messages()) if "Сидоров Коля</b> ←" in m.text)
    await curator.press("Принять", suggestion)
    await curator.press("⭐ учитель – неуспевающий ученик")
    async with running.session() as session:
        pair_id = await session.scalar(select(Pair.id).where(Pair.form == "teacher_pupil"))
    return curator, petr, kolya, lena, ids, pair_id


async def add_to_group(curator, name: str) -> list[str]:
    await curator.send("/pairs")
    shown = next(m for m in reversed(curator.messages()) if "→ Сидоров Коля" in m.text)
    await curator.press("Добавить ученика в группу", shown)
    return texts(await curator.press(name))


def started_anywhere(*people) -> bool:
    return any(STARTED in m.text for person in people for m in person.messages())


async def test_a_pupil_who_agreed_is_asked_again_when_another_pupil_joins(running, clock):
    """Kolya agreed to a pair with Petr; Lena joins: Kolya is asked again, and the group starts
    (nobody gets a contact before) only when Kolya, Lena and Petr all agreed to it as it is."""
    curator, petr, kolya, lena, ids, pair_id = await proposed_pair(running, clock)
    await kolya.press("Согласен")
    asked_before = len(kolya.messages())
    await add_to_group(curator, "Лебедева Лена")
    assert len(kolya.messages()) == asked_before + 1
    assert "Наставляемые: Сидоров Коля, Лебедева Лена" in kolya.last.text
    assert [label for label, _ in kolya.last.buttons()] == ["✅ Согласен(на)", "✖️ Отказаться"]
    async with running.session() as session:
        pair = await session.get(Pair, pair_id)
        assert {m.user_id: m.consent for m in pair.members} == {
            ids[petr]: None, ids[kolya]: None, ids[lena]: None}
    await petr.press("Согласен")
    await lena.press("Согласен")
    async with running.session() as session:
        assert (await session.get(Pair, pair_id)).status == "proposed"
    assert not started_anywhere(petr, kolya, lena)
    await kolya.press("Согласен")
    async with running.session() as session:
        pair = await session.get(Pair, pair_id)
        assert pair.status == "active"
        assert {m.consent for m in pair.members} == {"agreed"}
    assert all(STARTED in person.last.text for person in (petr, kolya, lena))


async def test_an_answer_counts_only_for_the_group_as_it_was_asked(running, clock):
    """Petr's first «Согласен» (and Kolya's first «Отказаться») was about Kolya alone: pressed
    after Lena joined it is stale and changes nothing; the buttons of the new proposal count."""
    curator, petr, kolya, lena, ids, pair_id = await proposed_pair(running, clock)
    first, kolya_first = petr.last, kolya.last
    await add_to_group(curator, "Лебедева Лена")
    assert texts(await petr.press("Согласен", first)) == STALE
    assert texts(await kolya.press("Отказаться", kolya_first)) == STALE
    async with running.session() as session:
        pair = await session.get(Pair, pair_id)
        assert {m.user_id: m.consent for m in pair.members} == {
            ids[petr]: None, ids[kolya]: None, ids[lena]: None}
    await petr.press("Согласен", petr.last)
    await kolya.press("Согласен")
    await lena.press("Согласен")
    async with running.session() as session:
        pair = await session.get(Pair, pair_id)
        assert pair.status == "active"
        assert {m.consent for m in pair.members} == {"agreed"}


async def test_pupils_are_never_told_the_variant(running, clock):
    """«Учитель – ребёнок с ОВЗ / ребёнок-инвалид» speaks of a child's health: the pupils of a
    group, who see each other's names, get a proposal without the variant; the teacher's has it,
    and so has the curator's card of the pair."""
    curator, petr, kolya, lena, _, pair_id = await proposed_pair(running, clock)
    async with running.session() as session:
        (await session.get(Pair, pair_id)).variant = "special_needs"
        await session.commit()
    await add_to_group(curator, "Лебедева Лена")
    for pupil in (kolya, lena):
        proposal = pupil.last.text
        assert "Наставляемые: Сидоров Коля, Лебедева Лена" in proposal
        assert "ОВЗ" not in proposal and "вариант" not in proposal
    assert "вариант: учитель – ребёнок с ОВЗ / ребёнок-инвалид" in petr.last.text
    for person in (petr, kolya, lena):
        await person.press("Согласен")
    assert all(STARTED in person.last.text for person in (petr, kolya, lena))
    for pupil in (kolya, lena):
        assert not any("ОВЗ" in m.text or "неуспевающ" in m.text for m in pupil.messages())
        await pupil.send("/pair")
        assert not any("ОВЗ" in m.text for m in pupil.messages())
    await curator.send("/pairs")
    card = next(m for m in reversed(curator.messages()) if "→ Сидоров Коля" in m.text)
    said = texts(await curator.press("Подробнее", card))
    assert any("вариант: учитель – ребёнок с ОВЗ / ребёнок-инвалид" in t for t in said)
