"""«Учитель – ученик» groups (one teacher, several pupils): everybody agrees to the group as it
is now, an answer counts only for that group, and pupils learn nothing about each other's
health or school record."""

import io

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from models import Pair
from models.db import lock
from services import pairing
from tests.flows import PUPIL_MENTEE, join, stored_user
from tests.telegram import files, texts
from tests.test_teacher_pupil import school

pytestmark = pytest.mark.db
# «Пара начала работу!» for two, «Группа начала работу!» for more.
STARTED = "начала работу!"
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
    return curator, petr, kolya, lena, ids, await propose_kolya(running, curator)


async def propose_kolya(running, curator) -> int:
    """Kolya's suggestion from /match accepted with its usual variant: the new pair's id."""
    await curator.send("/match")
    await curator.press("учитель – ученик")
    suggestion = next(m for m in reversed(curator.messages()) if "Сидоров Коля</b> ←" in m.text)
    await curator.press("Принять", suggestion)
    await curator.press("⭐ учитель – неуспевающий ученик")
    async with running.session() as session:
        return await session.scalar(select(Pair.id).where(Pair.form == "teacher_pupil",
                                                          Pair.status == "proposed"))


async def show_group_candidates(curator) -> None:
    await curator.send("/pairs")
    shown = next(m for m in reversed(curator.messages()) if "→ Сидоров Коля" in m.text)
    await curator.press("Добавить ученика в группу", shown)


async def add_to_group(curator, name: str) -> list[str]:
    await show_group_candidates(curator)
    return texts(await curator.press(name))


async def stored(running, pair_id: int) -> tuple[str, set[tuple[int, str | None]]]:
    """The pair's status and its members' consents, as the database has them."""
    async with running.session() as session:
        pair = await session.get(Pair, pair_id)
        return pair.status, {(m.user_id, m.consent) for m in pair.members}


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
    # The teacher gets the pupils' contacts; the pupils nobody's (README «Who sees and does
    # what»).
    assert "Группа начала работу!" in kolya.last.text
    assert "Участники: Петров Пётр Петрович, Лебедева Лена\n" in kolya.last.text
    assert "Участники: Петров Пётр Петрович, Сидоров Коля\n" in lena.last.text
    assert "Сидоров Коля (" in petr.last.text and "Лебедева Лена (" in petr.last.text


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
    assert petr.last.text == "Спасибо! Ждём согласия остальных участников группы."
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


async def test_a_pupil_declining_a_group_leaves_it_and_the_others_go_on(running, clock):
    """Lena's «Отказаться» takes only her out of the group: Petr and Kolya are told the group
    changed (not who left, nor why), the curator is told who and why, and the group starts when
    the two who remain agreed; nothing counts Lena as a member, and /match offers her again."""
    curator, petr, kolya, lena, ids, pair_id = await proposed_pair(running, clock)
    await add_to_group(curator, "Лебедева Лена")
    await kolya.press("Согласен")
    _, lena_agrees = lena.find_button("Согласен")
    await lena.press("Отказаться")
    assert "в этой группе вас не будет" in lena.last.text
    for person in (petr, kolya):
        assert person.last.text.startswith(
            "Состав группы изменился, теперь в ней: Петров Пётр Петрович → Сидоров Коля.")
        assert not any("Лебедева Лена отказ" in m.text for m in person.messages())
    assert any(m.text == "Лебедева Лена отказался(-ась) от участия в группе; группа остаётся: "
               "Петров Пётр Петрович → Сидоров Коля." for m in curator.messages())
    await lena.send("Не успеваю после кружка")
    assert any("Причина отказа (Лебедева Лена" in m.text and "Не успеваю после кружка" in m.text
               for m in curator.messages())
    assert not any("Не успеваю" in m.text for person in (petr, kolya) for m in person.messages())
    assert await stored(running, pair_id) == (
        "proposed", {(ids[petr], None), (ids[kolya], "agreed")})
    await petr.press("Согласен")
    async with running.session() as session:
        pair = await session.get(Pair, pair_id, populate_existing=True)
        assert pair.status == "active"
        assert {m.user_id for m in pair.members} == {ids[petr], ids[kolya]}
    assert STARTED in petr.last.text and STARTED in kolya.last.text
    assert "Лебедева" not in petr.last.text and "Лебедева" not in kolya.last.text
    assert not started_anywhere(lena)
    # Lena's old buttons are stale; the export's pairs have no Lena; /match offers her again.
    assert texts(await lena.press_data(lena_agrees)) == STALE
    ((_, content),) = files(await curator.send("/export"))
    rows = list(load_workbook(io.BytesIO(content), read_only=True)["Пары"]
                .iter_rows(values_only=True))
    (row,) = [row for row in rows[1:] if "учитель – ученик" in row]
    assert "Сидоров Коля" in row and not any("Лебедева" in str(cell) for cell in row)
    await curator.send("/match")
    said = texts(await curator.press("учитель – ученик"))
    assert any("Лебедева Лена</b> ←" in t for t in said)


async def test_the_mentors_or_the_last_pupils_no_ends_the_group(running, clock):
    curator, petr, kolya, lena, ids, pair_id = await proposed_pair(running, clock)
    await add_to_group(curator, "Лебедева Лена")
    await kolya.press("Отказаться")
    async with running.session() as session:
        assert (await session.get(Pair, pair_id)).status == "proposed"
    await lena.press("Отказаться")
    assert "пара не состоится" in lena.last.text
    assert await stored(running, pair_id) == (
        "cancelled", {(ids[petr], None), (ids[lena], "declined")})
    # A group the mentor declines ends for everybody.
    second = await propose_kolya(running, curator)
    await add_to_group(curator, "Лебедева Лена")
    await petr.press("Отказаться")
    async with running.session() as session:
        assert (await session.get(Pair, second)).status == "cancelled"
    assert "Петров Пётр Петрович отказался(-ась) от пары" in kolya.last.text


async def test_the_group_starts_when_the_only_one_not_agreed_leaves_it(running, clock):
    curator, petr, kolya, lena, ids, pair_id = await proposed_pair(running, clock)
    await add_to_group(curator, "Лебедева Лена")
    await petr.press("Согласен")
    await kolya.press("Согласен")
    await lena.press("Отказаться")
    async with running.session() as session:
        pair = await session.get(Pair, pair_id)
        assert pair.status == "active" and pair.planned_end is not None
        assert {m.user_id for m in pair.members} == {ids[petr], ids[kolya]}
    assert STARTED in petr.last.text and STARTED in kolya.last.text
    assert not any("Состав группы изменился" in m.text for m in kolya.messages())
    assert not started_anywhere(lena)
    assert any("Пара начала работу: Петров Пётр Петрович → Сидоров Коля" in m.text
               for m in curator.messages())


async def test_adding_a_pupil_locks_the_pupil_then_the_mentor_before_it_checks(running, clock,
                                                                                  monkeypatch):
    """As /match's «Принять» does (the pupil's row, then the mentor's), so that a pupil accepted
    into another pair, or the mentor's last place taken, at the same moment is seen."""
    curator, petr, _, lena, ids, pair_id = await proposed_pair(running, clock)
    taken, candidates = [], pairing.group_candidates

    async def recording_lock(session, model, ident):
        taken.append((model.__name__, ident))
        await lock(session, model, ident)

    async def recording_candidates(session, pair):
        taken.append("checked")
        return await candidates(session, pair)

    monkeypatch.setattr(pairing, "lock", recording_lock)
    monkeypatch.setattr(pairing, "group_candidates", recording_candidates)
    await show_group_candidates(curator)
    taken.clear()
    await curator.press("Лебедева Лена")
    assert taken == [("Pair", pair_id), ("User", ids[lena]), ("User", ids[petr]), "checked"]


async def test_nobody_to_add_says_so_without_claiming_others_are_paired(running, clock):
    """The school's only other pupil mentee is unconfirmed (Vanya): the list is empty, and the
    answer says there is no other confirmed pupil without such a pair, and how to confirm one."""
    curator, *_ = await school(running, clock)
    await propose_kolya(running, curator)
    await show_group_candidates(curator)
    assert curator.last.text == (
        "Добавить в группу Петров Пётр Петрович → Сидоров Коля некого: других подтверждённых "
        "учеников-наставляемых без пары «учитель – ученик» в школе нет. Ученика, которого школа "
        "ещё не подтвердила, подтвердите в /confirm.")
    assert curator.last.buttons() == []
