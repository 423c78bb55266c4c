"""`python -m bot` as a real process, talking to a local Bot API stand-in over HTTP."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sqlite3
import sys
import time
from collections.abc import AsyncIterator, Callable
from pathlib import Path

import pytest

from bot.config import PROJECT_ROOT, Settings
from handlers.callbacks import Consent
from tests.bot_api_standin import BotAPIStandIn, Recorded

FAKE_TOKEN = "123456:" + "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghi"
USER_ID = 5550001
USER = {"id": USER_ID, "is_bot": False, "first_name": "Анна", "language_code": "ru"}
CHAT = {"id": USER_ID, "type": "private", "first_name": "Анна"}


def bot_env(**values: str) -> dict[str, str]:
    """The inherited environment without any of the bot's settings, plus `values`."""
    fields = {name.upper() for name in Settings.model_fields}
    env = {key: value for key, value in os.environ.items() if key.upper() not in fields}
    env.update(PYTHONUNBUFFERED="1", **values)
    return env


async def start_bot(env: dict[str, str], logs: Path, name: str = "bot",
                    cwd: Path = PROJECT_ROOT) -> asyncio.subprocess.Process:
    """`python -m bot` with its output in `logs`/<name>.stdout and <name>.stderr."""
    with (logs / f"{name}.stdout").open("wb") as stdout, \
            (logs / f"{name}.stderr").open("wb") as stderr:
        return await asyncio.create_subprocess_exec(
            sys.executable, "-m", "bot", cwd=cwd, env=env,
            stdin=asyncio.subprocess.DEVNULL, stdout=stdout, stderr=stderr)


@pytest.fixture
async def standin() -> AsyncIterator[BotAPIStandIn]:
    server = BotAPIStandIn()
    await server.start()
    yield server
    await server.stop()


def to_user(method: str, containing: str) -> Callable[[Recorded], bool]:
    def matches(request: Recorded) -> bool:
        return (request.method == method and str(request.params.get("chat_id")) == str(USER_ID)
                and containing in str(request.params.get("text", "")))
    return matches


async def test_start_consent_role_then_sigint(standin: BotAPIStandIn, tmp_path: Path) -> None:
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
        assert any(r.params.get("callback_query_id") == "e2e-consent"
                   for r in standin.calls("answerCallbackQuery"))

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


async def run_to_exit(env: dict[str, str], logs: Path, name: str) -> tuple[int, str]:
    # Run outside the project folder so that a developer's .env does not supply a token.
    env = {**env, "PYTHONPATH": str(PROJECT_ROOT)}
    process = await start_bot(env, logs, name, cwd=logs)
    try:
        code = await asyncio.wait_for(process.wait(), 20.0)
    finally:
        if process.returncode is None:
            process.kill()
            await asyncio.wait_for(process.wait(), 5.0)
    return code, (logs / f"{name}.stderr").read_text()


async def test_bad_token_is_one_line_and_exit_code_2(tmp_path: Path) -> None:
    # Both at once: most of each run is importing aiogram.
    unset, malformed = await asyncio.gather(
        run_to_exit(bot_env(), tmp_path, "unset"),
        run_to_exit(bot_env(BOT_TOKEN="nonsense"), tmp_path, "malformed"))
    for case, (code, stderr) in {"unset": unset, "malformed": malformed}.items():
        assert code == 2, (case, stderr)
        assert "Traceback" not in stderr, (case, stderr)
        lines = stderr.splitlines()
        assert len(lines) == 1 and lines[0].startswith("error: BOT_TOKEN"), (case, stderr)


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
