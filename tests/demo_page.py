"""The demo's page as its script uses it (bot/demo/web.py), for tests that run `python -m bot`
with no token: read the chats, write, press buttons by their label, open links, move time."""

from __future__ import annotations

import asyncio
import contextlib
import re
import signal
from collections.abc import Callable
from pathlib import Path
from typing import Any

import aiohttp

from bot.config import PROJECT_ROOT
from tests.e2e_people import bot_env, daytime_zone, start_bot

QUIET_SECONDS = 0.4
ADDRESS = re.compile(r"http://127\.0\.0\.1:\d+")
START_LINK = re.compile(r"t\.me/(\w+)\?start=([\w-]+)")


class DemoPage:
    def __init__(self, http: aiohttp.ClientSession, address: str) -> None:
        self.http, self.address = http, address
        self.seen: dict[str, Any] = {"version": 0}

    async def state(self, after: int = 0, wait: float = 25.0) -> dict[str, Any]:
        async with self.http.get(f"{self.address}/api/state",
                                 params={"after": str(after), "wait": str(wait)}) as response:
            assert response.status == 200, await response.text()
            self.seen = await response.json()
        return self.seen

    async def until(self, condition: Callable[[dict[str, Any]], Any],
                    timeout: float = 15.0) -> Any:  # noqa: ASYNC109 - the wait is the bound
        """Wait for the state in which `condition` holds; what it returned."""
        async def watch() -> Any:
            state = await self.state()
            while not (found := condition(state)):
                state = await self.state(state["version"])
            return found

        return await asyncio.wait_for(watch(), timeout)

    async def post(self, path: str, **body: Any) -> tuple[int, dict[str, Any]]:
        async with self.http.post(f"{self.address}/api/{path}", json=body) as response:
            return response.status, await response.json()

    def chat(self, chat_id: int, state: dict[str, Any] | None = None) -> dict[str, Any]:
        return next(c for c in (state or self.seen)["chats"] if c["id"] == chat_id)

    def said(self, chat_id: int, state: dict[str, Any] | None = None) -> list[str]:
        """The bot's messages in a chat, text or caption."""
        return [m.get("text") or m.get("caption") or ""
                for m in self.chat(chat_id, state)["messages"] if m["from"]["is_bot"]]

    async def act(self, chat_id: int, path: str, **body: Any) -> dict[str, Any]:
        """Do something in a chat and wait for the bot to answer there (a new or changed
        message of the bot's)."""
        before = [m for m in self.chat(chat_id, await self.state())["messages"]
                  if m["from"]["is_bot"]]
        status, answer = await self.post(path, **body)
        assert status == 200, answer
        await self.until(lambda state: [m for m in self.chat(chat_id, state)["messages"]
                                        if m["from"]["is_bot"]] != before)
        await self.quiet()
        return answer

    async def quiet(self, window: float = QUIET_SECONDS) -> dict[str, Any]:
        """The state once nothing has changed for `window` seconds: the bot has said all it
        had to say (an answer may be several messages)."""
        state = self.seen
        while True:
            later = await self.state(state["version"], wait=window)
            if later["version"] == state["version"]:
                return later
            state = later

    async def send(self, person: int, text: str, chat: int | None = None,
                   after: str | None = None) -> dict[str, Any]:
        """`after`: once the bot's question with these words is shown, as a person answers
        (typed sooner, the bot would not count it as the answer)."""
        chat = chat or person
        if after is not None:
            await self.until(lambda state: any(after in t for t in self.said(chat, state)))
        return await self.act(chat, "send", person=person, chat=chat, text=text)

    async def start(self, person: int, payload: str | None = None) -> dict[str, Any]:
        return await self.act(person, "start", person=person, payload=payload)

    async def press(self, person: int, label: str, chat: int | None = None) -> dict[str, Any]:
        """The newest button labelled `label`, or else with `label` in its label, in the
        chat."""
        chat = chat or person
        for message in reversed(self.chat(chat, await self.state())["messages"]):
            buttons = [button for row in (message.get("reply_markup") or {}).get(
                "inline_keyboard", []) for button in row]
            for button in sorted(buttons, key=lambda button: button["text"] != label):
                if label in button["text"]:
                    return await self.act(chat, "press", person=person, chat=chat,
                                          message_id=message["message_id"],
                                          data=button["callback_data"])
        raise AssertionError(f"no button {label!r} in chat {chat}: {self.said(chat)[-3:]}")

    def link(self, chat_id: int) -> str:
        """The payload of the newest t.me start link the bot sent in a chat."""
        for text in reversed(self.said(chat_id)):
            if found := START_LINK.search(text):
                return found.group(2)
        raise AssertionError(f"no start link in chat {chat_id}")


class DemoProcess:
    """`python -m bot` (or with `args`, e.g. demo --fresh) with no token, the demo's files in
    `folder` and its page on a port the system picks."""

    def __init__(self, folder: Path, *args: str, **settings: str) -> None:
        self.folder, self.args = folder, args
        self.env = bot_env(**{"PYTHONPATH": str(PROJECT_ROOT), "DEMO_PORT": "0",
                              "DEMO_DIR": str(folder), "TIMEZONE": daytime_zone(), **settings})
        self.process: asyncio.subprocess.Process | None = None
        self.out = folder / "demo.stdout"
        self.err = folder / "demo.stderr"

    async def start(self, timeout: float = 60.0) -> str:  # noqa: ASYNC109 - the wait is the bound
        """The page's address, from the one line the demo prints."""
        self.process = await start_bot(self.env, self.folder, "demo", args=self.args)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while not (found := ADDRESS.search(self.printed())):
            if self.process.returncode is not None or loop.time() > deadline:
                raise AssertionError(f"the demo did not start: {self.printed()!r}\n"
                                     f"{self.err.read_text(errors='replace')[-3000:]}")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self.process.wait(), 0.2)
        return found.group(0)

    def printed(self) -> str:
        return self.out.read_text(errors="replace") if self.out.exists() else ""

    async def stop(self) -> int:
        """Ctrl-C, as a person stops it; the exit code."""
        assert self.process is not None
        if self.process.returncode is None:
            self.process.send_signal(signal.SIGINT)
        return await asyncio.wait_for(self.process.wait(), 30)
