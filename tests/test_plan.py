"""The individual plan: proposed from the mentee's weakest areas, edited by the mentor,
ticked off by either side."""

from datetime import date

import pytest

from handlers.callbacks import PlanAdd, PlanDelete
from services.plans import parse_due
from tests.flows import TEACHER_MENTEE, active_pair, register, the_pair
from tests.telegram import texts

pytestmark = pytest.mark.db




async def test_plan_is_proposed_then_ticked_and_edited(running):
    _, petr, anna = await active_pair(running)
    await anna.send("/plan")
    plan = anna.last.text
    assert "1. ▫️ Преодолеть затруднения: формы и методы обучения — до 20.12.2026" in plan
    assert "2. ▫️ Преодолеть затруднения: охрана жизни и здоровья учеников — до 17.01.2027" \
        in plan
    assert "Добавить пункт" not in str(anna.last.buttons())  # the mentee does not edit
    await anna.press("✅ 1")
    assert "1. ✅ Преодолеть затруднения" in anna.last.text
    pair = await the_pair(running)
    assert pair.plan[0].done_at is not None and pair.plan[1].done_at is None
    await petr.send("/plan")
    await petr.press("Добавить пункт")
    said = texts(await petr.send("Посетить 3 урока наставника"))
    assert any("Срок" in t for t in said)
    said = texts(await petr.send("31 декабря"))
    assert any("Не понял дату" in t for t in said)
    await petr.send("25.12")
    assert "4. ▫️ Посетить 3 урока наставника — до 25.12.2026" in petr.last.text
    await petr.press("🗑 2")
    pair = await the_pair(running)
    assert [(i.goal or i.area, i.due_on) for i in pair.plan] == [
        ("area_methods", date(2026, 12, 20)), ("area_technologies", date(2027, 2, 14)),
        ("Посетить 3 урока наставника", date(2026, 12, 25))]
    await petr.press("↩️ 1")
    assert (await the_pair(running)).plan[0].done_at is None


async def test_only_the_mentor_edits_and_only_members_see(running):
    _, _, anna = await active_pair(running)
    pair = await the_pair(running)
    said = texts(await anna.press_data(PlanAdd(pair=pair.id).pack()))
    assert said == ["Эта кнопка больше не действует."]
    said = texts(await anna.press_data(PlanDelete(item=pair.plan[0].id).pack()))
    assert said == ["Эта кнопка больше не действует."]
    outsider = running.person(777)
    await register(outsider, TEACHER_MENTEE)
    assert texts(await outsider.send("/plan")) == [
        "Индивидуальный план появляется, когда пара начала работу. Ваши пары — /pair."]
    assert len((await the_pair(running)).plan) == 3


@pytest.mark.parametrize(("typed", "expected"), [
    ("15.12", date(2026, 12, 15)), ("01.02", date(2027, 2, 1)), ("15.12.2026", date(2026, 12, 15)),
    ("5.1.27", date(2027, 1, 5)),
])
def test_due_dates(typed, expected):
    assert parse_due(typed, date(2026, 11, 22)) == expected


@pytest.mark.parametrize("typed", ["31.02", "завтра", "15.12.2030", "1.1.2020", "12/15"])
def test_bad_due_dates(typed):
    with pytest.raises(ValueError):
        parse_due(typed, date(2026, 11, 22))
