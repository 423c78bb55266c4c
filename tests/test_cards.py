"""Drill-down: a pair's card and a person's card from the curator's views, a mentee's
before/after chart, and who may open them (forged buttons included)."""

import pytest
from sqlalchemy import select

from handlers.callbacks import PairCard, PersonCard, ProgressChart
from models import User
from tests.flows import TEACHER_MENTOR, active_pair, rediagnose, register, the_pair
from tests.telegram import files, texts

pytestmark = pytest.mark.db
PNG = b"\x89PNG\r\n\x1a\n"
STALE = "Эта кнопка больше не действует."


async def _user_id(running, telegram_id: int) -> int:
    async with running.session() as session:
        return await session.scalar(select(User.id).where(User.telegram_id == telegram_id))


async def test_pair_and_person_cards(running):
    curator, _, anna = await active_pair(running)
    await rediagnose(anna, [1, 1, 0, 0, 0, 0, 0, 1])
    await curator.send("/pairs")
    said = texts(await curator.press("Подробнее"))
    (card,) = [t for t in said if "Наставник 0 → Наставляемая 0" in t]
    pair = await the_pair(running)
    assert "работает" in card and "учитель – учитель" in card
    assert f"План</b>: выполнено 0 из {len(pair.plan)}" in card
    assert "✓ Наставник 0 согласен(на)" in card
    assert "Наставляемая 0: 8 → 3" in card
    assert "формы и методы обучения: 3 → 1" in card
    # Into the mentee's card, then her chart.
    said = texts(await curator.press("👤 Наставляемая 0"))
    (person,) = [t for t in said if t.startswith("<b>Наставляемая 0</b>")]
    assert "Наставляемый (педагог) · учитель – учитель · МОУ СОШ №1" in person
    assert "✅ Диагностика профессиональных дефицитов" in person
    assert "▫️ Анкета удовлетворённости наставляемого — не начата" in person
    ((_, png),) = files(await curator.press("До и после"))
    assert png.startswith(PNG)


async def test_who_may_open_cards(running):
    curator, petr, anna = await active_pair(running)
    pair = await the_pair(running)
    petr_id, anna_id = await _user_id(running, petr.user.id), await _user_id(running, anna.user.id)
    # The mentor opens his own pair from /pair, without the curator's person buttons.
    await petr.send("/pair")
    said = texts(await petr.press("Подробнее"))
    assert any("Наставник 0 → Наставляемая 0" in t for t in said)
    assert not any("👤" in label for label, _ in petr.last.buttons())
    ((_, png),) = files(await petr.press("До и после"))
    assert png.startswith(PNG)
    # The mentee has no details button, and forged ones are refused; her own chart she may see.
    await anna.send("/pair")
    assert not anna.last.buttons()
    for forged in (PairCard(pair=pair.id), PersonCard(user=petr_id), PersonCard(user=anna_id),
                   ProgressChart(user=petr_id), PairCard(pair=10**6)):
        assert texts(await anna.press_data(forged.pack())) == [STALE], forged
    assert files(await anna.press_data(ProgressChart(user=anna_id).pack()))
    # A curator of another school sees nothing of this one.
    olga = running.person(5)
    await register(olga, {**TEACHER_MENTOR, "school": "Гимназия 2", "name": "Орлова Ольга"})
    await curator.send("/confirm")
    await curator.press("Гимназия 2")
    await curator.press("Орлова Ольга")
    await curator.send("/curators")
    await curator.press("Гимназия 2")
    await curator.press("Сделать куратором: Орлова")
    await olga.send("/summary")
    assert "Сводка: Гимназия 2" in olga.last.text
    for forged in (PairCard(pair=pair.id), PersonCard(user=anna_id),
                   ProgressChart(user=anna_id)):
        assert texts(await olga.press_data(forged.pack())) == [STALE], forged


async def test_forged_ids_beyond_64_bits_are_stale_buttons(running):
    # Ids are 64-bit in the database; a larger one in a forged button used to fail the update.
    curator, _, _ = await active_pair(running)
    for data in (f"pcard:{2**63}", f"who:{10**30}", f"pchart:{-(2**63) - 1}", f"ptick:{2**64}",
                 f"ans:s:{2**70}:area_methods:pick:1"):
        assert texts(await curator.press_data(data)) == [STALE], data
    assert texts(await curator.press_data(f"pcard:{2**63 - 1}")) == [STALE]
