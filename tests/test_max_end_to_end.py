"""The bot in MAX, as a real process (`python -m bot` with MAX_TOKEN) against the MAX stand-in:
the same conversations as in Telegram, through MAX's events, calls and shapes."""

from __future__ import annotations

import asyncio
import io
import json
import socket
from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from openpyxl import load_workbook

from bot.config import PROJECT_ROOT
from bot.demo.telegram_api import LocalBotAPI
from domain.messengers import Messenger, from_max, messenger_of
from domain.questionnaire import Catalog
from tests.e2e_people import (
    FAKE_TOKEN,
    TEACHER_MENTEE,
    Person,
    Screen,
    bot_env,
    register,
    register_curator,
)
from tests.max_people import MaxBotProcess, MaxPerson
from tests.max_standin import MaxStandIn
from tests.test_end_to_end import (
    DIAGNOSIS_IDS,
    pupils_make_a_pair,
    rows_of,
    run_to_exit,
    take_diagnosis,
)

MAX_TOKEN = "max-token-for-the-end-to-end-tests-0123456789"
CURATOR = 7100900
WEBHOOK_SECRET = "max-webhook-secret-for-the-e2e"


@pytest.fixture
async def max_standin() -> AsyncIterator[MaxStandIn]:
    standin = MaxStandIn(token=MAX_TOKEN)
    await standin.start()
    try:
        yield standin
    finally:
        await standin.stop()


async def test_a_questionnaire_in_max_survives_a_sigkill(max_standin: MaxStandIn,
                                                         tmp_path: Path) -> None:
    database = tmp_path / "max.sqlite3"
    bot = MaxBotProcess(max_standin, tmp_path, MAX_TOKEN=MAX_TOKEN,
                        DATABASE_URL=f"sqlite+aiosqlite:///{database}")
    anna = MaxPerson(max_standin, 7100101, "Анна")
    screen = Screen(Catalog.from_directory(PROJECT_ROOT / "content" / "questionnaires")
                    .get("diagnosis_mentee"))
    scores = [3, 2, 0, 1, 0, 2, 1, 3]
    await bot.start()
    try:
        await bot.ready()
        # The command menu, set with MAX's own method.
        await max_standin.wait_until(lambda: max_standin.calls("/me/commands"), 10.0)
        (menu,) = [r for r in max_standin.calls("/me/commands") if r.method == "PATCH"][-1:]
        assert {c["name"] for c in menu.body["commands"]} >= {"start", "help", "surveys"}

        await register(anna, TEACHER_MENTEE)
        await anna.press("Начать: Диагностика")
        for number, score in enumerate(scores[:4], 1):
            await anna.expect(f"Вопрос {number} из 9")
            await anna.press(str(score))
        await anna.expect("Вопрос 5 из 9")
        # Each press edited the question in place: one question in the chat, as in Telegram.
        asked = [shown for shown in anna.messages() if "Диагностика профессиональных дефицитов\n"
                 "Вопрос" in shown.text]
        assert len(asked) == 1, anna.describe()

        # She presses her answer to question 5 and the process dies at once.
        await anna.press(str(scores[4]))
        await bot.kill()
        await bot.start()
        await bot.ready()

        def moved_on() -> bool:
            seen = screen.current(anna)
            return seen is not None and seen.question is not None \
                and seen.question.id != "area_programmes"

        try:
            await max_standin.wait_until(moved_on, 4.0)
        except TimeoutError:
            await anna.press(str(scores[4]), fresh=False)
        await take_diagnosis(anna, scores, "Посетить мои уроки", first=6)
        assert "Traceback" not in bot.all_stderr(), bot.all_stderr()
    finally:
        await bot.kill()

    # The person is known by their MAX address; nothing lost, nothing twice.
    (user_id, address), = rows_of(database, "SELECT id, telegram_id FROM users")
    assert address == from_max(anna.id)
    (response_id,), = rows_of(database, "SELECT id FROM responses WHERE user_id = ? AND "
                              "questionnaire_code = 'diagnosis_mentee' AND completed_at IS NOT "
                              "NULL", user_id)
    answers = rows_of(database, "SELECT question_id, value FROM answers WHERE response_id = ?"
                      " ORDER BY id", response_id)
    assert [question for question, _ in answers] == DIAGNOSIS_IDS
    assert [json.loads(value) if isinstance(value, str) else value
            for _, value in answers] == [*scores, "Посетить мои уроки"]



async def test_a_curator_and_pupils_in_max(max_standin: MaxStandIn, tmp_path: Path) -> None:
    """Pupils pair themselves through a max.ru deep link (its payload comes in bot_started);
    the curator's summary, chart and export arrive as MAX files (two-step uploads)."""
    database = tmp_path / "max.sqlite3"
    bot = MaxBotProcess(max_standin, tmp_path, MAX_TOKEN=MAX_TOKEN, CURATOR_IDS=f"max:{CURATOR}",
                        DATABASE_URL=f"sqlite+aiosqlite:///{database}")
    curator = MaxPerson(max_standin, CURATOR, "Мария")
    masha, kolya = MaxPerson(max_standin, 7100301, "Маша"), MaxPerson(max_standin, 7100302)
    school = asyncio.Event()
    await bot.start()
    try:
        await bot.ready()
        await register_curator(curator)
        school.set()  # Маша names the school first, then Коля
        await pupils_make_a_pair(masha, kolya, curator, school,
                                 link=f"https://max.ru/{max_standin.bot_username}?start=")

        curator.send("/summary")
        summary = await curator.expect("Сводка")
        assert "ученики-наставники 1, ученики-наставляемые 1" in summary.text, summary.text
        await curator.press("📊 Дефициты")
        await max_standin.wait_until(lambda: curator.uploads(), 20.0)
        (chart,) = curator.uploads()
        assert chart.data.startswith(b"\x89PNG"), chart.filename
        await curator.press("📥 Excel", fresh=False)
        await max_standin.wait_until(lambda: len(curator.uploads()) == 2, 30.0)
        export = curator.uploads()[-1]
        assert export.filename.endswith(".xlsx"), export.filename
        book = load_workbook(io.BytesIO(export.data), read_only=True)
        cells = {value for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)
                 for value in row}
        assert "Кузнецова Маша" in cells
        # Each person's messenger and how to reach them there.
        assert {"MAX", f"max://user/{masha.id}"} <= cells, cells
        assert "Traceback" not in bot.all_stderr(), bot.all_stderr()
    finally:
        await bot.kill()
    (pair,) = rows_of(database, "SELECT status, form FROM pairs")
    assert pair == ("active", "pupil_pupil")
    addresses = {row[0] for row in rows_of(database, "SELECT telegram_id FROM users")}
    assert addresses == {from_max(person.id) for person in (curator, masha, kolya)}


async def test_telegram_and_max_in_one_process(max_standin: MaxStandIn, standin: LocalBotAPI,
                                               tmp_path: Path) -> None:
    """Both tokens: one process polls both messengers into one database. A pupil in Telegram
    and a pupil in MAX pair themselves with the invitation's code; the consent requests and the
    pair's start reach each in their own messenger through the outbox; the curator in Telegram
    counts the teacher who registered in MAX."""
    database = tmp_path / "both.sqlite3"
    bot = MaxBotProcess(max_standin, tmp_path, MAX_TOKEN=MAX_TOKEN, BOT_TOKEN=FAKE_TOKEN,
                        TELEGRAM_API_URL=standin.base_url, CURATOR_IDS=str(CURATOR),
                        DATABASE_URL=f"sqlite+aiosqlite:///{database}")
    curator = Person(standin, CURATOR, "Мария")
    masha, kolya = Person(standin, 5550301, "Маша"), MaxPerson(max_standin, 7100302, "Коля")
    anna = MaxPerson(max_standin, 7100101, "Анна")
    school = asyncio.Event()
    await bot.start()
    try:
        await bot.ready()
        await standin.wait_until(lambda: standin.calls("getUpdates"), 20.0)
        await register_curator(curator)
        school.set()  # Маша names the school first, then Коля and Анна
        await pupils_make_a_pair(masha, kolya, curator, school, link=None)
        await register(anna, TEACHER_MENTEE, school_exists=school)
        curator.send("/summary")
        summary = await curator.expect("Сводка")
        assert "наставляемые педагоги 1, ученики-наставники 1, ученики-наставляемые 1" \
            in summary.text, summary.text
        assert "Traceback" not in bot.all_stderr(), bot.all_stderr()
    finally:
        await bot.kill()
    addresses = {row[0] for row in rows_of(database, "SELECT telegram_id FROM users")}
    assert addresses == {CURATOR, masha.id, from_max(kolya.id), from_max(anna.id)}
    (pair,) = rows_of(database, "SELECT status, form FROM pairs")
    assert pair == ("active", "pupil_pupil")
    chats = {row[0] for row in rows_of(database, "SELECT chat_id FROM outbox "
                                                 "WHERE status = 'sent'")}
    assert {messenger_of(chat) for chat in chats} == {Messenger.TELEGRAM, Messenger.MAX}


async def test_a_refused_or_unreachable_max_is_one_line_and_exit_code_1(
        max_standin: MaxStandIn, tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    refused, unreachable = await asyncio.gather(
        run_to_exit(bot_env(MAX_TOKEN="another-token-0123456789abcdef",
                            MAX_API_URL=max_standin.base_url,
                            DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'a.sqlite3'}"),
                    tmp_path, "refused"),
        run_to_exit(bot_env(MAX_TOKEN=MAX_TOKEN, MAX_API_URL=f"http://127.0.0.1:{closed_port}",
                            DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'b.sqlite3'}"),
                    tmp_path, "unreachable"))
    for (code, stderr), expected in ((refused, "error: MAX rejected MAX_TOKEN"),
                                     (unreachable, "error: cannot reach the MAX Bot API at "
                                                   f"http://127.0.0.1:{closed_port}: ")):
        assert code == 1, stderr
        assert "Traceback" not in stderr and "Unclosed" not in stderr, stderr
        errors = [line for line in stderr.splitlines() if line.startswith("error:")]
        assert len(errors) == 1 and errors[0].startswith(expected), stderr


async def test_max_webhook_with_its_secret(max_standin: MaxStandIn, tmp_path: Path) -> None:
    """Production MAX: the bot subscribes its webhook, MAX posts each update with the secret,
    and a request without it is refused."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    url = f"http://127.0.0.1:{port}/max/hook"
    bot = MaxBotProcess(max_standin, tmp_path, MAX_TOKEN=MAX_TOKEN, MAX_WEBHOOK_URL=url,
                        MAX_WEBHOOK_SECRET=WEBHOOK_SECRET, WEBHOOK_HOST="127.0.0.1",
                        WEBHOOK_PORT=str(port),
                        DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'hook.sqlite3'}")
    anna = MaxPerson(max_standin, 7100101, "Анна")
    await bot.start()
    try:
        await bot.ready()
        subscribed = await max_standin.wait_for(
            lambda r: r.method == "POST" and r.path == "/subscriptions", 10.0)
        assert subscribed.body["url"] == url and subscribed.body["secret"] == WEBHOOK_SECRET
        await register(anna, TEACHER_MENTEE)
        assert max_standin.webhook_posts and not max_standin.calls("/updates")
        async with aiohttp.ClientSession() as http:
            update = {"update_type": "bot_started", "timestamp": 1, "chat_id": 1,
                      "user": {"user_id": 7100102, "first_name": "Чужой", "is_bot": False}}
            for headers in ({}, {"X-Max-Bot-Api-Secret": "wrong-secret"}):
                async with http.post(url, json=update, headers=headers) as response:
                    assert response.status == 401
        assert not max_standin.chat(7100102)
        assert "Traceback" not in bot.all_stderr(), bot.all_stderr()
    finally:
        await bot.kill()
