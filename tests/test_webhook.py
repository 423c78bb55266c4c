"""Webhook mode as a real process: the stand-in delivers updates by POST with the secret token;
requests without it are refused; two processes handed the same update handle it once."""

from __future__ import annotations

import asyncio
import signal
import socket
import sqlite3
import time
from pathlib import Path

import aiohttp

from bot.demo.telegram_api import LocalBotAPI
from tests.e2e_people import (
    FAKE_TOKEN,
    TEACHER_MENTEE,
    BotProcess,
    Person,
    consent,
    register,
)

SECRET = "webhook-secret-for-the-e2e-test"
HEADER = "X-Telegram-Bot-Api-Secret-Token"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def webhook_bot(standin: LocalBotAPI, logs: Path, database: str, name: str) -> BotProcess:
    port = free_port()
    return BotProcess(standin, logs, name=name, DATABASE_URL=database,
                      WEBHOOK_URL=f"http://127.0.0.1:{port}/telegram/{name}",
                      WEBHOOK_SECRET=SECRET, WEBHOOK_HOST="127.0.0.1", WEBHOOK_PORT=str(port))


async def serving(bot: BotProcess, standin: LocalBotAPI, timeout: float = 40.0) -> str:  # noqa: ASYNC109
    """Wait until the process has set its webhook; its address."""
    url = bot.env["WEBHOOK_URL"]

    def set_webhook():
        if not bot.running:
            return True
        return next((r for r in standin.requests
                     if r.method == "setWebhook" and r.params.get("url") == url), None)

    found = await standin.wait_until(set_webhook, timeout)
    assert bot.running, bot.stderr()[-3000:]
    assert found.params.get("secret_token") == SECRET
    return url


def start_update(user_id: int, update_id: int) -> dict:
    return {"update_id": update_id, "message": {
        "message_id": 1, "date": int(time.time()),
        "chat": {"id": user_id, "type": "private", "first_name": "Ира"},
        "from": {"id": user_id, "is_bot": False, "first_name": "Ира", "language_code": "ru"},
        "text": "/start", "entities": [{"type": "bot_command", "offset": 0, "length": 6}]}}


async def test_webhook_secret_and_once_only_across_two_processes(standin, tmp_path):
    database = f"sqlite+aiosqlite:///{tmp_path / 'webhook.sqlite3'}"
    first = webhook_bot(standin, tmp_path, database, "first")
    await first.start()
    try:
        first_url = await serving(first, standin)
        assert not standin.calls("deleteWebhook")  # other processes may be serving it

        # A person talks to the bot as usual: Telegram (the stand-in) posts with the secret.
        anna = Person(standin, 7001)
        await register(anna, TEACHER_MENTEE)

        # Anyone else posting to the webhook is refused, and nothing is done.
        stranger = start_update(7002, 900_001)
        async with aiohttp.ClientSession() as http:
            for headers in ({}, {HEADER: "guessed-secret-0123456789"}):
                async with http.post(first_url, json=stranger, headers=headers) as response:
                    assert response.status == 401
            async with http.get(first_url.replace("/telegram/first", "/healthz")) as response:
                assert response.status == 200 and await response.text() == "ok"

            # A second process over the same database; one update reaches both (Telegram
            # retried after a timeout, the proxy picked the other process).
            second = webhook_bot(standin, tmp_path, database, "second")
            await second.start()
            try:
                await serving(second, standin)  # the stand-in now posts to the second
                ira = Person(standin, 7003, first_name="Ира")
                twin = ira.send("/start")
                await ira.expect("Согласие на обработку")
                assert await second.interrupt() == 0
                async with http.post(first_url, json=twin,
                                     headers={HEADER: SECRET}) as response:
                    assert response.status == 200
            finally:
                await second.kill()
        assert not [r for r in standin.requests if r.chat_id == "7002"]
        greetings = [r for r in standin.requests
                     if r.method == "sendMessage" and r.chat_id == "7003"
                     and "Согласие на обработку" in str(r.params.get("text"))]
        assert len(greetings) == 1
        assert "was handled already; dropped" in first.stderr()
        assert await first.interrupt() == 0
    finally:
        await first.kill()
    for log in (first.all_stderr(), second.all_stderr()):
        assert "Traceback" not in log
        assert SECRET not in log and FAKE_TOKEN.split(":")[1] not in log


async def test_a_stop_finishes_the_updates_in_hand(standin, tmp_path):
    """SIGTERM while an update waits on a slow Telegram: it is finished (its next message sent,
    Telegram answered) before the storage and the locales close, and the process exits 0."""
    database = tmp_path / "stop.sqlite3"
    bot = webhook_bot(standin, tmp_path, f"sqlite+aiosqlite:///{database}", "stopping")
    await bot.start()
    try:
        await serving(bot, standin)
        lena = Person(standin, 7201, first_name="Лена")
        await consent(lena)
        # The consent press is answered after its replies: slow only the next press's answer.
        await standin.wait_for(lambda r: r.method == "answerCallbackQuery"
                               and r.result is not None)
        standin.slow["answercallbackquery"] = 2.0
        press = await lena.press(TEACHER_MENTEE["role"])
        await standin.wait_for(lambda r: r.method == "answerCallbackQuery"
                               and r.result is None and r.error is None)
        bot.process.send_signal(signal.SIGTERM)  # what `docker stop` sends
        assert await asyncio.wait_for(bot.process.wait(), 30.0) == 0
    finally:
        await bot.kill()
    assert any("Как вас зовут" in m.text for m in lena.messages()), lena.describe()
    assert press["update_id"] not in {u["update_id"] for u in standin.pending}
    log = bot.all_stderr()
    assert "finishing 1 updates in hand" in log
    assert "Traceback" not in log
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT count(*) FROM processed_updates WHERE update_id = ?",
                                  (press["update_id"],)).fetchone() == (1,)


async def test_once_stopping_new_requests_are_sent_back_and_those_in_hand_finish():
    from aiohttp import web
    from aiohttp.test_utils import TestClient, TestServer

    from bot.running import RequestsInHand

    requests = RequestsInHand(limit=3)
    release, all_in = asyncio.Event(), asyncio.Event()
    entered = 0

    async def slow(_request: web.Request) -> web.Response:
        nonlocal entered
        entered += 1
        if entered == 3:
            all_in.set()
        await release.wait()
        return web.Response(text="handled")

    app = web.Application(middlewares=[requests])
    app.router.add_post("/hook", slow)
    async with TestClient(TestServer(app)) as client:
        in_hand = [asyncio.create_task(client.post("/hook")) for _ in range(3)]
        await asyncio.wait_for(all_in.wait(), 10)
        assert requests.count == 3
        stopping = asyncio.create_task(requests.finish(timeout=10))
        for _ in range(5):
            await asyncio.sleep(0)
        assert not stopping.done()
        late = await client.post("/hook")
        assert late.status == 503  # Telegram delivers it again, perhaps elsewhere
        release.set()
        await stopping
        assert [response.status for response in await asyncio.gather(*in_hand)] == [200] * 3
        assert requests.count == 0
