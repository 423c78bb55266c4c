"""A local stand-in for the Telegram Bot API, for running `python -m bot` as a real process.

It serves `/bot<token>/<method>` on 127.0.0.1, answers the methods the bot uses in the shape
Telegram would (a sent message gets an id), hands out pushed updates through long-polled
getUpdates, and records every request so tests can assert on what the bot said.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

# Parameters that carry free text and must never be decoded as JSON, even if they look like it.
TEXT_PARAMS = frozenset({"text", "caption", "description", "short_description", "query"})


@dataclass
class Recorded:
    """One request the bot made: the method, its decoded parameters and what it got back."""

    method: str
    params: dict[str, Any]
    result: Any = None


def decode_params(raw: dict[str, Any]) -> dict[str, Any]:
    """Form fields are strings; nested objects (reply_markup, commands, scope...) are JSON."""
    params = {}
    for key, value in raw.items():
        if isinstance(value, str) and key not in TEXT_PARAMS and value[:1] in ("{", "["):
            try:
                value = json.loads(value)
            except ValueError:
                pass
        params[key] = value
    return params


@dataclass
class BotAPIStandIn:
    max_poll_wait: float = 1.0
    requests: list[Recorded] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._message_ids = itertools.count(1000)
        self._update_ids = itertools.count(1)
        self._messages: dict[tuple[int | str, int], dict[str, Any]] = {}
        self._new_update = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.base_url = ""
        self.bot_user: dict[str, Any] = {}

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        host, port = self._runner.addresses[0][:2]  # port 0: the OS picked a free one
        self.base_url = f"http://{host}:{port}"

    async def stop(self) -> None:
        self._new_update.set()  # wake any long-poll so it returns at once
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # -- what tests use --------------------------------------------------------------------

    def push_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for getUpdates; an update_id is assigned unless given."""
        update = {"update_id": next(self._update_ids), **update}
        self.updates.append(update)
        self._new_update.set()
        return update

    def calls(self, method: str) -> list[Recorded]:
        return [request for request in self.requests if request.method == method]

    async def wait_for(self, predicate: Callable[[Recorded], bool],
                       timeout: float = 5.0,  # noqa: ASYNC109 - the polling loop is the bound
                       ) -> Recorded:
        """The first recorded request matching `predicate`, waiting up to `timeout` seconds."""
        deadline = time.monotonic() + timeout
        while True:
            for request in self.requests:
                if predicate(request):
                    return request
            if time.monotonic() >= deadline:
                seen = ", ".join(request.method for request in self.requests)
                raise TimeoutError(f"no matching request within {timeout}s; seen: {seen}")
            await asyncio.sleep(0.05)

    # -- the Bot API -----------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.Response:
        if request.content_type == "application/json":
            raw = await request.json()
        else:
            raw = dict(request.query)
            raw.update(await request.post())  # multipart/form-data or urlencoded
        method = request.match_info["method"]
        recorded = Recorded(method, decode_params(raw))
        self.requests.append(recorded)
        if not self.bot_user:
            bot_id = request.match_info["token"].split(":", 1)[0]
            self.bot_user = {"id": int(bot_id) if bot_id.isdigit() else 1, "is_bot": True,
                             "first_name": "Stand-in bot", "username": "standin_bot"}
        answer = getattr(self, f"_{method.lower()}", None)
        recorded.result = await answer(recorded.params) if answer else True
        return web.json_response({"ok": True, "result": recorded.result})

    async def _getme(self, params: dict[str, Any]) -> dict[str, Any]:
        return self.bot_user

    async def _getupdates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        offset = int(params.get("offset", 0))
        wait = min(float(params.get("timeout", 0)), self.max_poll_wait)
        deadline = time.monotonic() + wait
        while True:
            pending = [update for update in self.updates if update["update_id"] >= offset]
            left = deadline - time.monotonic()
            if pending or left <= 0:
                return pending
            self._new_update.clear()
            try:
                await asyncio.wait_for(self._new_update.wait(), left)
            except TimeoutError:
                pass

    def _message(self, params: dict[str, Any], message_id: int) -> dict[str, Any]:
        chat_id = params["chat_id"]
        message = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": {"id": int(chat_id) if str(chat_id).lstrip("-").isdigit() else 0,
                     "type": "private"},
            "from": self.bot_user,
            "text": params.get("text", ""),
        }
        if isinstance(params.get("reply_markup"), dict):
            message["reply_markup"] = params["reply_markup"]
        self._messages[(str(chat_id), message_id)] = message
        return message

    async def _sendmessage(self, params: dict[str, Any]) -> dict[str, Any]:
        return self._message(params, next(self._message_ids))

    async def _edit(self, params: dict[str, Any]) -> dict[str, Any] | bool:
        if "inline_message_id" in params:
            return True
        message_id = int(params["message_id"])
        shown = self._messages.get((str(params["chat_id"]), message_id), {})
        return self._message({"text": shown.get("text", ""), **params}, message_id)

    async def _editmessagetext(self, params: dict[str, Any]) -> dict[str, Any] | bool:
        return await self._edit(params)

    async def _editmessagereplymarkup(self, params: dict[str, Any]) -> dict[str, Any] | bool:
        return await self._edit(params)
