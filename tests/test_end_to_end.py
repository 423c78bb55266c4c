"""`python -m bot` as a real process, talking to a local Bot API stand-in over HTTP.

The stand-in (bot/demo/telegram_api.py) answers in Telegram's JSON and redelivers unconfirmed
updates; people (tests/e2e_people.py) press buttons by their labels and type, as in Telegram.
"""

from __future__ import annotations

import asyncio
import io
import json
import re
import signal
import socket
import sqlite3
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from aiogram import Bot
from aiogram.client.default import DefaultBotProperties
from aiogram.client.session.aiohttp import AiohttpSession
from aiogram.client.telegram import TelegramAPIServer
from aiogram.enums import ParseMode
from aiogram.exceptions import TelegramBadRequest, TelegramConflictError
from aiogram.types import BotCommand, BufferedInputFile, InlineKeyboardButton, InlineKeyboardMarkup
from aiohttp import web
from openpyxl import Workbook, load_workbook

from bot.config import PROJECT_ROOT
from bot.demo.telegram_api import LocalBotAPI, Recorded
from domain.questionnaire import Catalog
from handlers.callbacks import Consent
from tests.e2e_people import (
    FAKE_TOKEN,
    PUPIL_MENTEE,
    PUPIL_MENTOR,
    TEACHER_MENTEE,
    BotProcess,
    Chatter,
    Person,
    Screen,
    bot_env,
    register,
    register_curator,
    start_bot,
)

USER_ID = 5550001
USER = {"id": USER_ID, "is_bot": False, "first_name": "Анна", "language_code": "ru"}
CHAT = {"id": USER_ID, "type": "private", "first_name": "Анна"}


def to_user(method: str, containing: str) -> Callable[[Recorded], bool]:
    def matches(request: Recorded) -> bool:
        return (request.method == method and str(request.params.get("chat_id")) == str(USER_ID)
                and containing in str(request.params.get("text", "")))
    return matches


async def test_start_consent_role_then_sigint(standin: LocalBotAPI, tmp_path: Path) -> None:
    database = tmp_path / "e2e.sqlite3"
    env = bot_env(BOT_TOKEN=FAKE_TOKEN, TELEGRAM_API_URL=standin.base_url,
                  DATABASE_URL=f"sqlite+aiosqlite:///{database}", REDIS_URL="")
    process = await start_bot(env, tmp_path)
    stderr = tmp_path / "bot.stderr"

    async def expect(predicate: Callable[[Recorded], bool], what: str,
                     within: float = 5.0) -> Recorded:
        try:
            return await standin.wait_for(predicate, within)
        except TimeoutError:
            raise AssertionError(f"the bot never sent {what} (exit code {process.returncode}); "
                                 f"stderr:\n{stderr.read_text()[-3000:]}") from None

    try:
        # Startup: the command menus, per language and a default (Russian) one.
        await expect(lambda r: r.method == "setMyCommands" and "language_code" not in r.params,
                     "the default command menu", within=30.0)
        menus = {r.params.get("language_code"): {c["command"]: c["description"]
                                                 for c in r.params["commands"]}
                 for r in standin.calls("setMyCommands")}
        assert {"ru", "en", None} <= menus.keys()
        assert menus["ru"]["start"] == "Начать или продолжить"
        assert menus["en"]["start"] == "Start or continue"
        assert menus[None] == menus["ru"]

        # /start: greeting and the consent request with its buttons.
        standin.push_update({"message": {
            "message_id": 1, "date": int(time.time()), "chat": CHAT, "from": USER,
            "text": "/start", "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
        }})
        consent = await expect(to_user("sendMessage", "Согласие"), "the consent request")
        buttons = [button for row in consent.params["reply_markup"]["inline_keyboard"]
                   for button in row]
        agree = next(b["callback_data"] for b in buttons
                     if Consent.unpack(b["callback_data"]).agree)

        # Pressing «agree»: the person is registered and asked for their role.
        standin.push_update({"callback_query": {
            "id": "e2e-consent", "from": USER, "chat_instance": "e2e", "data": agree,
            "message": consent.result,
        }})
        await expect(to_user("sendMessage", "Кто вы в программе"), "the role question")
        await expect(lambda r: r.method == "answerCallbackQuery"
                     and r.params.get("callback_query_id") == "e2e-consent", "the press answered")

        process.send_signal(signal.SIGINT)
        try:
            code = await asyncio.wait_for(process.wait(), 15.0)
        except TimeoutError:
            raise AssertionError(f"the bot did not stop on SIGINT; stderr:\n"
                                 f"{stderr.read_text()[-3000:]}") from None
        log = stderr.read_text()
        assert code == 0, log
        assert "Traceback" not in log, log
    finally:
        if process.returncode is None:
            process.kill()
            await asyncio.wait_for(process.wait(), 5.0)

    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT telegram_id, consent_at FROM users").fetchall()
    connection.close()
    assert len(rows) == 1, rows
    assert rows[0][0] == USER_ID
    assert rows[0][1] is not None


async def run_to_exit(env: dict[str, str], logs: Path, name: str,
                      *args: str) -> tuple[int, str]:
    # Run outside the project folder so that a developer's .env does not supply a token.
    env = {**env, "PYTHONPATH": str(PROJECT_ROOT)}
    process = await start_bot(env, logs, name, cwd=logs, args=args)
    try:
        # A guard against a hang, not a timing: importing alone takes seconds on a busy machine.
        code = await asyncio.wait_for(process.wait(), 60.0)
    finally:
        if process.returncode is None:
            process.kill()
            await asyncio.wait_for(process.wait(), 5.0)
    return code, (logs / f"{name}.stderr").read_text()


async def test_bad_token_is_one_line_and_exit_code_2(tmp_path: Path) -> None:
    # Both at once: most of each run is importing aiogram. (No token at all runs the demo.)
    # A deployment (its database, curators...) without a token is a mistake, not the demo.
    malformed, fresh, deployed = await asyncio.gather(
        run_to_exit(bot_env(BOT_TOKEN="nonsense"), tmp_path, "malformed"),
        run_to_exit(bot_env(BOT_TOKEN=FAKE_TOKEN), tmp_path, "fresh", "--fresh"),
        run_to_exit(bot_env(DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'x.sqlite3'}",
                            CURATOR_IDS="12"), tmp_path, "deployed"))
    for case, (code, stderr), starts in (
            ("malformed", malformed, "error: BOT_TOKEN looks malformed"),
            ("fresh", fresh, "error: --fresh starts the demo"),
            ("deployed", deployed, "error: BOT_TOKEN is not set (or MAX_TOKEN), though "
                                   "DATABASE_URL, CURATOR_IDS is")):
        assert code == 2, (case, stderr)
        assert "Traceback" not in stderr, (case, stderr)
        lines = stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith(starts), (case, stderr)


async def test_unreachable_telegram_is_one_line_and_exit_code_1(tmp_path: Path) -> None:
    with socket.socket() as probe:  # a port nobody listens on
        probe.bind(("127.0.0.1", 0))
        closed_port = probe.getsockname()[1]
    env = bot_env(BOT_TOKEN=FAKE_TOKEN, TELEGRAM_API_URL=f"http://127.0.0.1:{closed_port}",
                  DATABASE_URL=f"sqlite+aiosqlite:///{tmp_path / 'unreachable.sqlite3'}")
    code, stderr = await run_to_exit(env, tmp_path, "unreachable")
    assert code == 1, stderr
    assert "Traceback" not in stderr, stderr
    errors = [line for line in stderr.splitlines() if line.startswith("error:")]
    assert len(errors) == 1, stderr
    assert errors[0].startswith(
        f"error: cannot reach the Telegram Bot API at http://127.0.0.1:{closed_port}: "), stderr
    assert "Unclosed" not in stderr, stderr


# -- the stand-in answers in Telegram's shapes (parsed by aiogram's own models) -------------


def standin_bot(standin: LocalBotAPI) -> Bot:
    session = AiohttpSession(api=TelegramAPIServer.from_base(standin.base_url))
    return Bot(FAKE_TOKEN, session=session,
               default=DefaultBotProperties(parse_mode=ParseMode.HTML))


def xlsx_bytes(*rows: tuple) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    target = io.BytesIO()
    book.save(target)
    return target.getvalue()


async def test_standin_messages_files_and_errors_in_telegrams_shapes(
        standin: LocalBotAPI) -> None:
    bot = standin_bot(standin)
    anna = Person(standin, USER_ID)
    try:
        me = await bot.get_me()
        assert (me.id, me.username, me.is_bot) == (123456, "standin_bot", True)
        with pytest.raises(TelegramBadRequest, match="chat not found"):
            await bot.send_message(USER_ID, "nobody has written yet")
        anna.send("/start")
        keyboard = InlineKeyboardMarkup(inline_keyboard=[[
            InlineKeyboardButton(text="Да", callback_data="yes"),
            InlineKeyboardButton(text="Нет", callback_data="no")]])
        sent = await bot.send_message(USER_ID, "<b>Вопрос</b> &amp; ответ: /help",
                                      reply_markup=keyboard)
        assert sent.message_id == 2  # one sequence per chat: Anna's /start was 1
        assert sent.text == "Вопрос & ответ: /help"
        assert [(e.type, e.offset, e.length) for e in sent.entities] == [
            ("bold", 0, 6), ("bot_command", 16, 5)]
        assert [(b.text, b.callback_data) for b in sent.reply_markup.inline_keyboard[0]] == [
            ("Да", "yes"), ("Нет", "no")]
        assert sent.chat.first_name == "Анна"
        # The same content again is refused; new text without a keyboard drops the keyboard.
        with pytest.raises(TelegramBadRequest, match="message is not modified"):
            await bot.edit_message_text("<b>Вопрос</b> &amp; ответ: /help", chat_id=USER_ID,
                                        message_id=sent.message_id, reply_markup=keyboard)
        edited = await bot.edit_message_text("Готово", chat_id=USER_ID,
                                             message_id=sent.message_id)
        assert edited.edit_date is not None and edited.reply_markup is None
        assert anna.last.text == "Готово" and anna.last.buttons() == []
        with pytest.raises(TelegramBadRequest, match="message to edit not found"):
            await bot.edit_message_reply_markup(chat_id=USER_ID, message_id=999)
        with pytest.raises(TelegramBadRequest, match="can't parse entities"):
            await bot.send_message(USER_ID, "<b>unclosed")
        with pytest.raises(TelegramBadRequest, match="BUTTON_DATA_INVALID"):
            await bot.send_message(USER_ID, "long data", reply_markup=InlineKeyboardMarkup(
                inline_keyboard=[[InlineKeyboardButton(text="x", callback_data="x" * 65)]]))
        # A document and a photo arrive as multipart uploads and are kept.
        content = xlsx_bytes(("Вопрос", "Ответ"), ("area_methods", 3))
        document = await bot.send_document(USER_ID, BufferedInputFile(content, "report.xlsx"),
                                           caption="Выгрузка: <i>школа</i>")
        assert document.document.file_name == "report.xlsx"
        assert document.document.file_size == len(content)
        assert document.document.mime_type.endswith("spreadsheetml.sheet")
        assert document.caption == "Выгрузка: школа" and document.caption_entities[0].type \
            == "italic"
        (upload,) = anna.uploads()
        assert upload.filename == "report.xlsx" and upload.data == content
        rows = list(load_workbook(io.BytesIO(upload.data)).active.values)
        assert rows == [("Вопрос", "Ответ"), ("area_methods", 3)]
        again = await bot.send_document(USER_ID, document.document.file_id)
        assert again.document.file_unique_id == document.document.file_unique_id
        png = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + (1600).to_bytes(4, "big")
               + (900).to_bytes(4, "big") + b"\x08\x02\x00\x00\x00" + b"\x00" * 32)
        photo = await bot.send_photo(USER_ID, BufferedInputFile(png, "chart.png"))
        assert [(p.width, p.height) for p in photo.photo] == [
            (90, 51), (320, 180), (800, 450), (1280, 720)]
        with pytest.raises(TelegramBadRequest, match="IMAGE_PROCESS_FAILED"):
            await bot.send_photo(USER_ID, BufferedInputFile(b"not an image", "x.png"))
        # A callback query is answered once.
        anna.press_data(anna.last, "anything")
        query_id = anna.last_update["callback_query"]["id"]
        assert await bot.answer_callback_query(query_id, text="Принято") is True
        with pytest.raises(TelegramBadRequest, match="query is too old"):
            await bot.answer_callback_query(query_id)
        assert anna.alerts(since=0) == ["Принято"]
        assert await bot.delete_message(USER_ID, photo.message_id) is True
        with pytest.raises(TelegramBadRequest, match="message to delete not found"):
            await bot.delete_message(USER_ID, photo.message_id)
        assert await bot.send_chat_action(USER_ID, "typing") is True
        commands = [BotCommand(command="start", description="Начать")]
        assert await bot.set_my_commands(commands, language_code="ru") is True
        assert [(c.command, c.description) for c in await bot.get_my_commands(
            language_code="ru")] == [("start", "Начать")]
        assert await bot.get_my_commands() == []
    finally:
        await bot.session.close()


async def test_standin_redelivers_until_confirmed_and_posts_to_a_webhook(
        standin: LocalBotAPI) -> None:
    bot = standin_bot(standin)
    anna = Person(standin, USER_ID)
    received: list[tuple[dict, str | None]] = []

    async def webhook(request: web.Request) -> web.Response:
        received.append((await request.json(), request.headers.get(
            "X-Telegram-Bot-Api-Secret-Token")))
        if len(received) == 1:
            return web.Response(status=500)  # Telegram tries again
        return web.json_response({"method": "sendMessage", "chat_id": USER_ID,
                                  "text": "ответ из вебхука"})

    app = web.Application()
    app.router.add_post("/hook", webhook)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    host, port = runner.addresses[0][:2]
    try:
        first, second = anna.send("/start")["update_id"], anna.send("привет")["update_id"]
        # Handed out again and again until a later call confirms them with its offset.
        for _ in range(2):
            assert [u.update_id for u in await bot.get_updates(timeout=0)] == [first, second]
        assert [u.update_id for u in await bot.get_updates(offset=second, timeout=0)] \
            == [second]
        assert await bot.get_updates(offset=second + 1, timeout=0) == []
        assert standin.deliveries == {first: 2, second: 3}
        # A second long poll ends the first with 409, as two bot instances would.
        waiting = asyncio.ensure_future(bot.get_updates(offset=second + 1, timeout=1))
        await asyncio.sleep(0.1)
        assert await bot.get_updates(offset=second + 1, timeout=0) == []
        with pytest.raises(TelegramConflictError, match="terminated by other getUpdates"):
            await waiting
        # With a webhook, the update is POSTed (retried after a 500); the reply's method runs.
        assert await bot.set_webhook(f"http://{host}:{port}/hook", secret_token="s3cret")
        with pytest.raises(TelegramConflictError, match="webhook is active"):
            await bot.get_updates(timeout=0)
        third = anna.send("/help")["update_id"]
        await standin.wait_until(lambda: any(r.via_webhook for r in standin.requests), 5.0)
        assert [(u["update_id"], secret) for u, secret in received] == [
            (third, "s3cret"), (third, "s3cret")]
        assert anna.last.text == "ответ из вебхука"
        info = await bot.get_webhook_info()
        assert info.url.endswith("/hook") and info.pending_update_count == 0
        assert info.last_error_message.startswith("Wrong response from the webhook: 500")
        assert await bot.delete_webhook() is True
        assert (await bot.get_webhook_info()).url == ""
    finally:
        await bot.session.close()
        await runner.cleanup()


# -- people over HTTP, and a SIGKILL in the middle of a questionnaire -----------------------

CURATOR_ID = 5550900
DIAGNOSIS_IDS = ["area_methods", "area_technologies", "area_assessment", "area_control",
                 "area_programmes", "area_parents", "area_colleagues", "area_safety",
                 "expected_help"]


async def take_diagnosis(person: Person, scores: list[int], help_text: str,
                         *, first: int = 1) -> None:
    """Answer the deficit diagnosis from question `first` on, each answer acknowledged."""
    for number, score in enumerate(scores[first - 1:], first):
        await person.expect(f"Вопрос {number} из 9")
        await person.press(str(score))
    await person.expect("Вопрос 9 из 9")
    person.send(help_text)
    await person.expect("Анкета «Диагностика профессиональных дефицитов» заполнена")


async def pupils_make_a_pair(masha: Chatter, kolya: Chatter, curator: Chatter,
                             school: asyncio.Event,
                             link: str | None = "https://t.me/standin_bot?start=") -> None:
    """Two pupils who typed their school are confirmed by the curator, then pair themselves
    through the invitation's link (`link` and the payload), in whichever messenger they are,
    or with link=None through its code (/join), which also works across messengers."""
    await register(masha, PUPIL_MENTOR, school_exists=school)
    kolya.user["first_name"] = "Коля"
    await register(kolya, PUPIL_MENTEE, school_exists=school)
    curator.send("/confirm")
    await curator.expect("Ожидают подтверждения")
    await curator.press("Кузнецова Маша")
    await curator.press("Сидоров Коля")

    def confirmed() -> bool:  # the list shown again, without the pupils (teachers may wait)
        return any("подтвержд" in m.text and "Сидоров" not in str(m.buttons())
                   for m in curator.fresh())

    await curator.standin.wait_until(confirmed, curator.timeout)
    masha.send("/invite")
    invitation = await masha.expect("Приглашение в пару")
    if link is None:
        kolya.send("/join " + re.search(r"/join ([A-Z0-9]{4}-[A-Z0-9]{4})",
                                        invitation.text).group(1))
    else:
        payload = re.search(re.escape(link) + r"(i_[A-Z0-9]+)", invitation.text).group(1)
        if "entities" in invitation.message:  # Telegram: the link is one the person can tap
            url = next(e for e in invitation.message["entities"] if e["type"] == "url")
            assert invitation.text[url["offset"]:].startswith(link)
        kolya.begin(payload)
    await kolya.expect("Кузнецова Маша приглашает тебя в пару «ученик – ученик»")
    await kolya.press("Согласен")  # the pair, now
    await kolya.expect("Ждём согласия второй стороны")
    await masha.press("Согласен")  # the consent request comes through the outbox
    await masha.expect("Пара начала работу")
    await kolya.expect("Пара начала работу")


def rows_of(database: Path, sql: str, *args: object) -> list[tuple]:
    connection = sqlite3.connect(database)
    try:
        return connection.execute(sql, args).fetchall()
    finally:
        connection.close()


async def test_people_over_http_then_a_sigkill_mid_questionnaire(
        standin: LocalBotAPI, tmp_path: Path) -> None:
    database = tmp_path / "people.sqlite3"
    bot = BotProcess(standin, tmp_path, DATABASE_URL=f"sqlite+aiosqlite:///{database}",
                     CURATOR_IDS=str(CURATOR_ID))
    anna, boris = Person(standin, 5550101, "Анна"), Person(standin, 5550102, "Борис")
    curator = Person(standin, CURATOR_ID, "Мария")
    masha, kolya = Person(standin, 5550301, "Маша"), Person(standin, 5550302, "Коля")
    screen = Screen(Catalog.from_directory(PROJECT_ROOT / "content" / "questionnaires")
                    .get("diagnosis_mentee"))
    anna_scores, boris_scores = [3, 2, 0, 1, 0, 2, 1, 3], [2, 1, 3, 0, 2, 3, 1, 0]

    # Anna names the school first (people typing a new school's name at the same moment
    # collide in the app: see bench/crash.py); the curator is asked no school.
    school = asyncio.Event()

    async def school_named() -> None:
        await anna.expect("Какие предметы", since=0)
        school.set()

    async def anna_answers() -> None:
        await register(anna, TEACHER_MENTEE)
        await anna.press("Начать: Диагностика")
        await anna.expect("Эта анкета помогает понять")  # the questionnaire's intro
        await take_diagnosis(anna, anna_scores, "Посетить мои уроки")

    async def boris_starts() -> None:
        await register(boris, {**TEACHER_MENTEE, "name": "Борисов Борис"},
                       school_exists=school)
        await boris.press("Начать: Диагностика")
        for number, score in enumerate(boris_scores[:4], 1):
            await boris.expect(f"Вопрос {number} из 9")
            await boris.press(str(score))
        await boris.expect("Вопрос 5 из 9")

    async def curator_then_pupils() -> None:
        await register_curator(curator)  # before the pupils, whom she confirms
        await pupils_make_a_pair(masha, kolya, curator, school)

    await bot.start()
    try:
        await bot.ready()
        # Everybody at once, as in a school: the waits are mostly the one-message-a-second
        # pace the bot keeps in each chat.
        await asyncio.gather(anna_answers(), boris_starts(), school_named(),
                             curator_then_pupils())
        await curator.expect("Пара начала работу: Кузнецова Маша", since=0)

        curator.send("/summary")
        summary = await curator.expect("Сводка")
        assert "наставляемые педагоги 2, ученики-наставники 1, ученики-наставляемые 1" \
            in summary.text, summary.text
        assert "Диагностика профессиональных дефицитов: 1 / 1 / 0" in summary.text, summary.text
        curator.send("/export")
        exported = await curator.expect("Выгрузка: ")
        (upload,) = curator.uploads()
        assert re.fullmatch(r"mentoring_\d{4}-\d{2}-\d{2}\.xlsx", upload.filename)
        assert exported.message["document"]["file_name"] == upload.filename
        book = load_workbook(io.BytesIO(upload.data), read_only=True)
        rows = [row for sheet in book.worksheets for row in sheet.iter_rows(values_only=True)]
        (anna_row,) = [row for row in rows if "Посетить мои уроки" in row]
        assert "Иванова Анна Сергеевна" in anna_row, anna_row
        assert [value for value in anna_row if isinstance(value, int)][-8:] == anna_scores
        assert "Traceback" not in bot.stderr(), bot.stderr()

        # Boris presses his answer to question 5 and the process dies at once: SIGKILL.
        await boris.press("2")
        await bot.kill()
        await bot.start()
        await bot.ready()
        # Telegram hands the press to the new process unless the old one had confirmed it;
        # if question 6 does not come, Boris presses again, as anybody would.

        def moved_on() -> bool:
            seen = screen.current(boris)
            return seen is not None and seen.question is not None \
                and seen.question.id != "area_programmes"

        try:
            await standin.wait_until(moved_on, 4.0)
        except TimeoutError:
            await boris.press("2", fresh=False)
        await take_diagnosis(boris, boris_scores, "Помочь с журналом",
                             first=6)
    finally:
        await bot.kill()

    # Nothing lost, nothing twice: one response, one answer per question, as Boris gave them.
    (response_id, completed_at), = rows_of(
        database, "SELECT r.id, r.completed_at FROM responses r JOIN users u ON u.id = r.user_id"
        " WHERE u.telegram_id = ? AND r.questionnaire_code = 'diagnosis_mentee'", boris.id)
    assert completed_at is not None
    answers = rows_of(database, "SELECT question_id, value FROM answers WHERE response_id = ?"
                      " ORDER BY id", response_id)
    assert [question for question, _ in answers] == DIAGNOSIS_IDS
    assert [json.loads(value) if isinstance(value, str) else value  # JSON, numeric affinity
            for _, value in answers] == [
        *boris_scores, "Помочь с журналом"]
    (pair,) = rows_of(database, "SELECT status, form FROM pairs")
    assert pair == ("active", "pupil_pupil")
