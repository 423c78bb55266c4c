"""A local Bot API stand-in that enforces Telegram's sending limits, for bench.delivery.

It serves `/bot<token>/<method>` on 127.0.0.1 (a free port) and accepts a sendMessage only while
  - at most 30 were accepted in any 1-second sliding window, overall;
  - at most 1 was accepted in the last second in that private chat (chat id > 0);
  - at most 20 were accepted in the last 60 seconds in that group (chat id < 0).
Otherwise it answers HTTP 429 with Telegram's body and `retry_after` = whole seconds until the
window frees (at least 1). getMe gets a bot user; any other method gets `true`.
"""

from __future__ import annotations

import itertools
import math
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

OVERALL_PER_SECOND = 30
GROUP_PER_MINUTE = 20


@dataclass(frozen=True)
class Accepted:
    chat_id: int
    text: str
    at: float  # time.monotonic() when accepted


@dataclass
class LimitedStandIn:
    accepted: list[Accepted] = field(default_factory=list)
    # 429s answered, by the limit that was broken: "overall", "chat" or "group".
    refused: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self._message_ids = itertools.count(1)
        self._overall: deque[float] = deque()
        self._last_in_chat: dict[int, float] = {}
        self._group: dict[int, deque[float]] = {}
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    @property
    def too_many(self) -> int:
        return sum(self.refused.values())

    async def start(self) -> None:
        app = web.Application()
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        self._runner = web.AppRunner(app, shutdown_timeout=1.0)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        host, port = self._runner.addresses[0][:2]
        self.base_url = f"http://{host}:{port}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def _handle(self, request: web.Request) -> web.Response:
        if request.content_type == "application/json":
            params = dict(await request.json())
        else:
            params = dict(request.query)
            params.update(await request.post())  # aiogram sends multipart/form-data
        method = request.match_info["method"].lower()
        if method == "getme":
            bot_id = request.match_info["token"].split(":", 1)[0]
            return web.json_response({"ok": True, "result": {
                "id": int(bot_id), "is_bot": True, "first_name": "Limited stand-in",
                "username": "limited_standin_bot"}})
        if method != "sendmessage":
            return web.json_response({"ok": True, "result": True})
        chat_id, text = int(params["chat_id"]), str(params.get("text", ""))
        retry_after, broken = self._check(chat_id, time.monotonic())
        if retry_after:
            self.refused[broken] += 1
            return web.json_response(status=429, data={
                "ok": False, "error_code": 429,
                "description": f"Too Many Requests: retry after {retry_after}",
                "parameters": {"retry_after": retry_after}})
        return web.json_response({"ok": True, "result": self._accept(chat_id, text)})

    def _check(self, chat_id: int, now: float) -> tuple[int, str]:
        """Whole seconds to wait and the limit broken; (0, "") if the message may go."""
        while self._overall and self._overall[0] <= now - 1.0:
            self._overall.popleft()
        waits = {}
        if len(self._overall) >= OVERALL_PER_SECOND:
            waits["overall"] = self._overall[0] + 1.0 - now
        if chat_id > 0:
            last = self._last_in_chat.get(chat_id)
            if last is not None and now - last < 1.0:
                waits["chat"] = last + 1.0 - now
        else:
            window = self._group.setdefault(chat_id, deque())
            while window and window[0] <= now - 60.0:
                window.popleft()
            if len(window) >= GROUP_PER_MINUTE:
                waits["group"] = window[0] + 60.0 - now
        if not waits:
            return 0, ""
        broken = max(waits, key=waits.__getitem__)
        return max(1, math.ceil(waits[broken])), broken

    def _accept(self, chat_id: int, text: str) -> dict[str, Any]:
        now = time.monotonic()
        self._overall.append(now)
        if chat_id > 0:
            self._last_in_chat[chat_id] = now
        else:
            self._group[chat_id].append(now)
        self.accepted.append(Accepted(chat_id, text, now))
        return {"message_id": next(self._message_ids), "date": int(time.time()),
                "chat": {"id": chat_id, "type": "private" if chat_id > 0 else "group",
                         **({"first_name": "Bench"} if chat_id > 0 else {"title": "Bench"})},
                "text": text}
