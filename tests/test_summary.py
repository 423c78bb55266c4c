"""The curator's /summary: counts, questionnaire completion, satisfaction, deficits, meetings
and the KPIs of programme 001, from data made through the bot."""

import io
from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import update

from handlers.callbacks import SummaryButton, SummaryView
from models import User
from tests.flows import (
    PUPIL_MENTEE,
    PUPIL_MENTOR,
    TEACHER_MENTEE,
    TEACHER_MENTOR,
    active_pair,
    diagnose,
    join,
    rediagnose,
    register,
)
from tests.telegram import files, texts

pytestmark = pytest.mark.db


async def test_summary_of_a_school(running):
    curator, _, anna = await active_pair(running)
    # Boris: a second young mentee, diagnosed but not paired. Anna (paired, diagnosed by
    # active_pair) takes the diagnosis again with fewer difficulties.
    boris = running.person(201)
    await join(running, curator, boris, {**TEACHER_MENTEE, "name": "Борис"},
               "Наставляемый (педагог)")
    await diagnose(boris, [3, 3, 3, 0, 0, 0, 0, 0])
    await rediagnose(anna, [1, 1, 0, 0, 0, 0, 0, 1])
    await anna.send("/surveys")
    await anna.press("Начать: Анкета удовлетворённости наставляемого")
    for score in ["9", "8", "10", "7", "6", "5", "4", "3", "2"]:
        await anna.press(score)
    said = texts(await curator.send("/summary"))
    (summary,) = [t for t in said if "Сводка" in t]
    assert "01.08.2026 – 22.11.2026" in summary
    assert "наставники-педагоги 1, наставляемые педагоги 2" in summary
    assert "работает · учитель – учитель: 1" in summary
    assert "• Диагностика профессиональных дефицитов: 2 / 0 / 0" in summary
    assert "• Анкета удовлетворённости наставляемого: 0 / 1 / 1" in summary
    assert "Частые дефициты: формы и методы обучения 50.0%; педагогические технологии 50.0%" \
        in summary
    assert "Вовлечено молодых специалистов: 1 из 2 (50.0%), цель 100%" in summary
    assert "Вовлечено педагогов: 2 из 3 (66.7%), цель 70%" in summary
    assert "Молодые специалисты продолжают работу: 1 из 1 (100.0%), цель 90%" in summary
    assert "✅ Положительная динамика дефицитов: 1 из 1 (100.0%), цель 90%" in summary
    # Anna blocks the bot: she no longer counts as continuing, and as unreachable.
    async with running.session() as session:
        await session.execute(update(User).where(User.telegram_id == anna.user.id)
                              .values(unreachable_at=datetime(2026, 11, 20, tzinfo=UTC)))
        await session.commit()
    (summary,) = [t for t in texts(await curator.send("/summary")) if "Сводка" in t]
    assert "Молодые специалисты продолжают работу: 0 из 1 (0.0%), цель 90%" in summary
    assert "Заблокировали бота (сейчас): 1" in summary


async def test_summary_period_and_rights(running):
    curator, petr, _ = await active_pair(running)
    said = texts(await curator.send("/summary 2026-09-01"))
    assert said == ["Период пишется двумя датами: /summary 2026-09-01 2026-12-31"]
    said = texts(await curator.send("/summary 2026-09-01 2026-09-30"))
    (summary,) = [t for t in said if "01.09.2026 – 30.09.2026" in t]
    # Everyone joined on 22.11: nobody was in the programme in September.
    assert "Участники за период: наставники-педагоги 0, наставляемые педагоги 0" in summary
    assert "Пары за период (состояние на его конец): —" in summary
    assert "(раздел 3.2, за период)" in summary
    assert texts(await petr.send("/summary")) == ["Эта команда — для куратора программы."]


async def test_periods_outside_the_years_a_period_may_cover_are_refused(running):
    # 0001-01-01 in Moscow is year 0 in UTC, 9999-12-31 has no next day, and ordinals beyond
    # date.max do not convert: each used to fail the update instead of being refused.
    curator, _, _ = await active_pair(running)
    for args in ("0001-01-01 9999-12-31", "0001-01-01 0001-01-01", "1999-12-31 2026-01-01"):
        assert texts(await curator.send(f"/summary {args}")) == [
            "Период пишется двумя датами: /summary 2026-09-01 2026-12-31"], args
    assert texts(await curator.send("/export 0001-01-01 0001-01-01")) == [
        "Выгрузка: /export — Excel, /export csv — CSV; период: /export 2026-09-01 2026-12-31"]
    for since, until in ((1, date.max.toordinal()), (10**10, 10**10), (0, 5)):
        forged = SummaryButton(view=SummaryView.CHART_MEETINGS, since=since, until=until).pack()
        assert texts(await curator.press_data(forged)) == ["Эта кнопка больше не действует."]


async def summary_of(curator, period: str) -> str:
    (summary,) = [t for t in texts(await curator.send(f"/summary {period}")) if "Сводка" in t]
    return summary


async def year_report_cells(curator) -> dict:
    """The year report of the summary shown last: its figures by label."""
    ((_, content),) = files(await curator.press("Итоги года"))
    rows = load_workbook(io.BytesIO(content))["Итоги года"].iter_rows(values_only=True)
    return {row[0]: row[1] for row in rows if row[0]}


async def test_people_and_pairs_follow_the_period(running, clock):
    """A pair formed in September and ended in November, a second mentee who joined in
    October: each period counts those who were in the programme then, and the pair in the
    state it was in when the period ended; the year report says the same."""
    clock.current = datetime(2026, 9, 10, 9, tzinfo=UTC)
    curator, _, _ = await active_pair(running)
    clock.current = datetime(2026, 10, 20, 9, tzinfo=UTC)
    boris = running.person(201)
    await join(running, curator, boris, {**TEACHER_MENTEE, "name": "Борис"},
               "Наставляемый (педагог)")
    clock.current = datetime(2026, 11, 5, 9, tzinfo=UTC)
    await curator.send("/pairs")
    await curator.press("Завершить")
    await curator.press("Да, завершить")
    clock.current = datetime(2026, 11, 22, 9, tzinfo=UTC)

    august = await summary_of(curator, "2026-08-01 2026-08-31")
    assert "наставники-педагоги 0, наставляемые педагоги 0" in august
    assert "Пары за период (состояние на его конец): —" in august
    assert "Вовлечено молодых специалистов: 0 из 0" in august

    # Boris joined after September: not counted in it; in October he is, unpaired.
    for period, mentees, young_involved, percent in (
            ("2026-09-01 2026-09-30", 1, "1 из 1", 100),
            ("2026-10-01 2026-10-31", 2, "1 из 2", 50)):
        summary = await summary_of(curator, period)
        assert f"наставники-педагоги 1, наставляемые педагоги {mentees}" in summary, period
        assert "работает · учитель – учитель: 1" in summary, period
        assert f"Вовлечено молодых специалистов: {young_involved} ({percent:.1f}%)" in summary
        cells = await year_report_cells(curator)
        assert cells["Наставляемый (педагог)"] == mentees, period
        assert cells["учитель – учитель · работает"] == 1, period
        assert cells[f"Вовлечено молодых специалистов ({young_involved})"] == percent, period

    # The pair ended on 05.11: completed in November's view, gone from a later one.
    november = await summary_of(curator, "2026-11-01 2026-11-22")
    assert "завершена · учитель – учитель: 1" in november
    assert "работает" not in november
    later = await summary_of(curator, "2026-11-10 2026-11-22")
    assert "Пары за период (состояние на его конец): —" in later
    assert "наставляемые педагоги 2" in later


# About as many characters as a full-width button shows on a phone 360 dp wide in Telegram's
# button font; a row of n buttons gives each an n-th. An estimate, kept on the safe side.
SCREEN_WIDTH = 40


def as_seen(label: str, width: int) -> str:
    """The label as Telegram shows it in a button `width` characters wide: cut with «…»."""
    return label if len(label) <= width else label[:width - 1] + "…"


async def test_no_two_summary_buttons_look_alike_in_either_language(running):
    """Every questionnaire of the content files has a «who has not completed» button (people of
    every role, nobody done), in Russian and in English: no two buttons of the summary read the
    same, even where a narrow screen cuts them; a button that shares its row fits it whole, and
    a questionnaire's button shows its short title whole."""
    curator, _, _ = await active_pair(running)
    await join(running, curator, running.person(300), PUPIL_MENTOR, PUPIL_MENTOR["role"])
    await join(running, curator, running.person(301), PUPIL_MENTEE, PUPIL_MENTEE["role"])
    await join(running, curator, running.person(201), {**TEACHER_MENTEE, "name": "Борис"},
               TEACHER_MENTEE["role"])
    # A second school, so that the schools' button is there too.
    await register(running.person(3), {**TEACHER_MENTOR, "school": "Гимназия 2"})
    catalog = running.app.surveys.catalog
    for language in ("ru", "en"):
        if language == "en":
            await curator.send("/language")
            await curator.press("English")
        await curator.send("/summary")
        rows = curator.last.markup.inline_keyboard
        labels = [(button.text, SCREEN_WIDTH // len(row)) for row in rows for button in row]
        assert len({text for text, _ in labels}) == len(labels), labels
        seen = [as_seen(text, width) for text, width in labels]
        assert len(set(seen)) == len(seen), seen
        assert all(len(text) <= width for row in rows if len(row) > 1
                   for text, width in [(button.text, SCREEN_WIDTH // len(row))
                                       for button in row]), labels
        laggards = [text for text, _ in labels if text.startswith("👥")]
        titles = [catalog.short_title(q.id, language) for q in catalog]
        assert len(laggards) == len(titles)
        for title in titles:
            (label,) = [text for text in laggards if text.startswith(f"👥 {title}:")]
            assert f"👥 {title}" in as_seen(label, SCREEN_WIDTH), label
