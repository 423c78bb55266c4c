"""The curator's summary: its filters (form, period, school), who has not completed a
questionnaire, charts, and who may press which button."""

from datetime import date

import pytest
from aiogram.methods import SetMyCommands
from sqlalchemy import select

from bot.commands import register_curator_menus
from handlers.callbacks import SummaryButton, SummaryView
from models import School
from tests.conftest import CURATOR_ID
from tests.flows import PUPIL_MENTEE, TEACHER_MENTOR, active_pair, join, register, stored_user
from tests.telegram import files, texts

pytestmark = pytest.mark.db
PNG = b"\x89PNG\r\n\x1a\n"
STALE = "Эта кнопка больше не действует."


async def _school_id(running, name: str) -> int:
    async with running.session() as session:
        return await session.scalar(select(School.id).where(School.name == name))


async def test_filters_laggards_and_charts(running):
    curator, _, anna = await active_pair(running)
    kolya = running.person(301)
    await join(running, curator, kolya, PUPIL_MENTEE, "Ученик-наставляемый")
    await curator.send("/summary")
    summary = curator.last
    assert "Форма: Все формы" in summary.text
    assert "наставляемые педагоги 1, ученики-наставники 0, ученики-наставляемые 1" \
        in summary.text
    # The form filter edits the summary in place.
    await curator.press("учитель – учитель", summary)
    assert curator.last.message_id == summary.message_id
    assert "Форма: учитель – учитель" in curator.last.text
    assert "ученики-наставляемые 0" in curator.last.text
    await curator.press("ученик – ученик", curator.last)
    assert "наставляемые педагоги 0, ученики-наставники 0, ученики-наставляемые 1" \
        in curator.last.text
    # Pressed again: nothing changes and nothing breaks.
    shown = len(curator.messages())
    await curator.press("✓ ученик – ученик", curator.last)
    assert "Форма: ученик – ученик" in curator.last.text and len(curator.messages()) == shown
    await curator.press("Все формы", curator.last)
    await curator.press("7 дней", curator.last)
    assert "16.11.2026 – 22.11.2026" in curator.last.text
    # Who has not completed the mentee's satisfaction questionnaire: Anna.
    said = texts(await curator.press("Удовлетворённость наставляемого: кто не прошёл"))
    (listing,) = [t for t in said if "Не прошли" in t]
    assert "Не прошли «Анкета удовлетворённости наставляемого»</b>: 1" in listing
    assert "1. Наставляемая 0" in listing
    assert [label for label, _ in curator.last.buttons()] == ["Наставляемая 0",
                                                             "🔔 Напомнить им"]
    said = texts(await curator.press("Наставляемая 0"))
    assert any(t.startswith("<b>Наставляемая 0</b>") for t in said)
    # Nobody is behind on the mentee diagnosis: no button for it.
    await curator.send("/summary")
    assert not any("Диагностика дефицитов" in label for label, _ in curator.last.buttons())
    await anna.send("/surveys")
    for chart in ("📊 Дефициты", "📊 Оценки", "📊 Встречи"):
        sent = files(await curator.press(chart))
        ((name, png),) = sent
        assert name.endswith(".png") and png.startswith(PNG) and len(png) > 5000


async def test_only_curators_and_only_their_schools(running):
    curator, petr, _ = await active_pair(running)
    other = running.person(3)
    await register(other, {**TEACHER_MENTOR, "school": "Гимназия 2", "name": "Орлов Олег"})
    first = await _school_id(running, "МОУ СОШ №1")
    second = await _school_id(running, "Гимназия 2")
    # The regional curator sees both schools at once, then one.
    await curator.send("/summary")
    assert "все школы (2)" in curator.last.text
    assert "наставники-педагоги 2" in curator.last.text
    await curator.press("Школа")
    await curator.press("Гимназия 2")
    assert "Сводка: Гимназия 2" in curator.last.text
    assert "наставники-педагоги 1, наставляемые педагоги 0" in curator.last.text
    # From one school back to the list, which has pages once a region has many schools.
    async with running.session() as session:
        session.add_all(School(name=f"Школа {n:02}", normalized_name=f"школа {n:02}")
                        for n in range(40))
        await session.commit()
    await curator.press("Школа")
    assert curator.last.text == "Выберите школу (страница 1 из 2):"
    labels = [label for label, _ in curator.last.buttons()]
    assert labels[:3] == ["все школы (42)", "Гимназия 2", "МОУ СОШ №1"] and labels[-1] == "▶️"
    await curator.press("▶️")
    labels = [label for label, _ in curator.last.buttons()]
    assert labels[1:] == [f"Школа {n}" for n in range(28, 40)] + ["◀️"]
    await curator.press("◀️")
    await curator.press("МОУ СОШ №1")
    assert "Сводка: МОУ СОШ №1" in curator.last.text
    # Petr becomes the curator of the first school only.
    await curator.send("/curators")
    await curator.press("МОУ СОШ №1")
    sent = await curator.press("Сделать куратором: Наставник 0")
    # The new curator's own command menu now has the curator's commands.
    (menu,) = [r for r in sent if isinstance(r, SetMyCommands)]
    assert menu.scope.chat_id == petr.user.id
    assert {"summary", "export", "remind", "broadcast"} <= {c.command for c in menu.commands}
    # At start-up every curator gets that menu: the regional one and Petr.
    before = len(running.bot.session.requests)
    await register_curator_menus(running.bot, running.app.i18n_core, running.app.sessionmaker,
                                 running.app.settings.curator_ids, "ru")
    menus = running.bot.session.requests[before:]
    assert sorted(m.scope.chat_id for m in menus) == sorted([CURATOR_ID, petr.user.id])
    await petr.send("/summary")
    assert "Сводка: МОУ СОШ №1" in petr.last.text
    assert "Школа" not in str(petr.last.buttons())
    for forged in (SummaryButton(view=SummaryView.SUMMARY, school=second),
                   SummaryButton(view=SummaryView.LAGGARDS, school=second, code="diagnosis_mentor"),
                   SummaryButton(view=SummaryView.CHART_DEFICITS, school=second),
                   SummaryButton(view=SummaryView.SUMMARY, school=first, form="zz"),
                   SummaryButton(view=SummaryView.SUMMARY, school=first, since=10, until=5),
                   SummaryButton(view=SummaryView.SUMMARY, school=first, since=10**9, until=10**9),
                   SummaryButton(view=SummaryView.LAGGARDS, school=first, code="no_such")):
        said = texts(await petr.press_data(forged.pack()))
        assert said == [STALE], forged
    # Somebody who curates nothing is refused without a hint of what exists.
    said = texts(await other.press_data(SummaryButton(view=SummaryView.SUMMARY).pack()))
    assert said == ["Эта команда — для куратора программы."]
    said = texts(await other.send("/summary"))
    assert said == ["Эта команда — для куратора программы."]
    # A period given as dates (everybody joined on 22.11).
    await petr.send("/summary 2026-11-01 2026-11-30")
    assert "01.11.2026 – 30.11.2026" in petr.last.text
    # Its buttons keep the period: the laggards of November only.
    november = (date(2026, 11, 1).toordinal(), date(2026, 11, 30).toordinal())
    laggard_buttons = [SummaryButton.unpack(data) for label, data in petr.last.buttons()
                       if "кто не прошёл" in label]
    assert laggard_buttons and all((b.since, b.until) == november for b in laggard_buttons)
    said = texts(await petr.press("Удовлетворённость наставляемого: кто не прошёл"))
    assert any("Не прошли «Анкета удовлетворённости наставляемого»</b>: 1" in t for t in said)
    async with running.session() as session:
        assert (await stored_user(session, other.user.id)).profile.school_id == second
