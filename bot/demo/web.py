"""The demo's page and the JSON it talks to (bot/demo/static): the chats of every person side by
side as the local Bot API server keeps them, the people's actions, and the time control.

The page is served on the local machine only: requests naming another host are refused (a web
page elsewhere cannot reach it through a DNS name of its own), and actions are JSON posts, which
a page of another origin cannot send without a CORS preflight this server never allows."""

from __future__ import annotations

import contextlib
import ipaddress
import json
from datetime import timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote

from aiohttp import web

from bot.config import SUPPORTED_LOCALES
from bot.demo.clock import DemoClock
from bot.demo.people import Hint, People, Refused
from bot.demo.telegram_api import LocalBotAPI
from bot.demo.time_travel import LONGEST, TimeTravel

STATIC = Path(__file__).parent / "static"
SHOWN_MESSAGES = 200  # the latest of each chat; the page is not an archive
WAIT_SECONDS = 25  # a long poll for news is answered after this even without any
PRESS_ANSWER_SECONDS = 5  # Telegram's client too stops waiting for a button's answer


class Page:
    def __init__(self, api: LocalBotAPI, people: People, clock: DemoClock,
                 travel: TimeTravel | None, timezone: str, host: str = "127.0.0.1") -> None:
        self.api, self.people, self.clock, self.travel = api, people, clock, travel
        self.timezone, self.host = timezone, host

    def application(self) -> web.Application:
        app = web.Application(middlewares=[local_only(self.host), guarded, refusals],
                              client_max_size=64 * 1024)
        app.router.add_get("/", self.index)
        app.router.add_static("/static/", STATIC)
        app.router.add_get("/files/{file_id}", self.file)
        app.router.add_get("/api/state", self.state)
        for path, action in (("send", self.send), ("press", self.press),
                             ("start", self.start), ("people", self.add_person),
                             ("groups", self.new_group), ("groups/members", self.join),
                             ("time", self.move_time), ("language", self.language)):
            app.router.add_post(f"/api/{path}", action)
        return app

    # -- what the page shows ---------------------------------------------------------------

    async def index(self, request: web.Request) -> web.StreamResponse:
        return web.FileResponse(STATIC / "index.html")

    async def file(self, request: web.Request) -> web.Response:
        upload = self.api.uploads.get(request.match_info["file_id"])
        if upload is None:
            raise web.HTTPNotFound(text="no such file")
        disposition = "inline" if upload.field == "photo" else "attachment"
        return web.Response(body=upload.data, content_type=upload.content_type, headers={
            "Content-Disposition": f"{disposition}; filename*=UTF-8''"
                                   f"{quote(upload.filename, safe='')}",
            # Whatever the bot sent, it runs nothing on the page's origin.
            "Content-Security-Policy": "default-src 'none'; sandbox"})

    async def state(self, request: web.Request) -> web.Response:
        try:
            after = int(request.query.get("after", "0"))
            wait = min(max(float(request.query.get("wait", WAIT_SECONDS)), 0.0), WAIT_SECONDS)
        except ValueError:
            after, wait = 0, WAIT_SECONDS
        if self.api.changes <= after:
            with contextlib.suppress(TimeoutError):
                await self.api.wait_until(lambda: self.api.changes > after, wait)
        return web.json_response(self.snapshot(), dumps=_dumps)

    def snapshot(self) -> dict[str, Any]:
        chats = [self._chat(person.id, person.user["language_code"])
                 for person in self.people.everyone.values()]
        chats += [self._chat(group, self.people.language) for group in self.people.groups]
        return {
            "version": self.api.changes,
            "bot": self.api.bot_user,
            "clock": {"now": self.clock.now().isoformat(), "timezone": self.timezone,
                      "shifted_seconds": int(self.clock.shift.total_seconds())},
            "busy": bool(self.travel and self.travel.busy),
            "people": [{**{key: person.user.get(key) for key in
                           ("id", "first_name", "last_name", "language_code")},
                        "hint": person.hint} for person in self.people.everyone.values()],
            "chats": chats,
        }

    def _chat(self, chat_id: int, language: str) -> dict[str, Any]:
        chat = self.api.chats[chat_id]
        private = chat["type"] == "private"
        messages = self.api.chat(chat_id)
        members = [chat_id] if private else [
            user for user in self.api.members_of(chat_id) if user in self.people.everyone]
        return {
            "id": chat_id, "type": "private" if private else "group",
            "title": chat.get("title") or " ".join(
                filter(None, (chat.get("first_name"), chat.get("last_name")))),
            "person": chat_id if private else None, "members": members,
            "started": bool(messages) or not private,
            "messages": [_with_file(shown.message) for shown in messages[-SHOWN_MESSAGES:]],
            "reply_keyboard": self.api.reply_keyboards.get(chat_id),
            "commands": self.api.commands_for(chat, language),
        }

    # -- what people do --------------------------------------------------------------------

    async def send(self, request: web.Request) -> web.Response:
        body = await _body(request)
        self.people.write(body.get("person"), body.get("chat"), body.get("text"))
        return web.json_response({"ok": True})

    async def start(self, request: web.Request) -> web.Response:
        body = await _body(request)
        self.people.start(body.get("person"), body.get("payload"))
        return web.json_response({"ok": True})

    async def press(self, request: web.Request) -> web.Response:
        body = await _body(request)
        press = self.people.press(body.get("person"), body.get("chat"), body.get("message_id"),
                                  body.get("data"))
        query = self.api.queries[press]
        with contextlib.suppress(TimeoutError):
            await self.api.wait_until(lambda: query.answer is not None, PRESS_ANSWER_SECONDS)
        if query.answer is None:
            return web.json_response({"answer": None})
        answer = query.answer.params
        return web.json_response({"answer": {
            "text": answer.get("text"), "url": answer.get("url"),
            "show_alert": str(answer.get("show_alert", "")).lower() == "true"}})

    async def add_person(self, request: web.Request) -> web.Response:
        body = await _body(request)
        hint = body.get("hint")
        if hint is not None and (not isinstance(hint, str) or hint not in set(Hint)):
            raise Refused("unknown role hint")
        person = self.people.add(str(body.get("first_name") or ""),
                                 Hint(hint) if hint else None)
        await self.api.changed()
        return web.json_response({"person": {**person.user, "hint": person.hint}})

    async def new_group(self, request: web.Request) -> web.Response:
        body = await _body(request)
        members = body.get("members")
        if not isinstance(members, list) or not members:
            raise Refused("a group needs at least one person")
        chat = self.people.new_group(members[0], body.get("title"), members[1:])
        return web.json_response({"chat": chat})

    async def join(self, request: web.Request) -> web.Response:
        body = await _body(request)
        self.people.join(body.get("chat"), body.get("person"))
        return web.json_response({"ok": True})

    async def language(self, request: web.Request) -> web.Response:
        body = await _body(request)
        if body.get("language") not in SUPPORTED_LOCALES:
            raise Refused("the language is ru or en")
        self.people.set_language(body["language"])
        await self.api.changed()
        return web.json_response({"ok": True})

    async def move_time(self, request: web.Request) -> web.Response:
        body = await _body(request)
        seconds = body.get("seconds")
        if not isinstance(seconds, int) or isinstance(seconds, bool):
            raise Refused("time moves by a whole number of seconds")
        if not 0 < seconds <= LONGEST.total_seconds():
            raise Refused(f"time moves forward by up to {LONGEST.days} days")
        if self.travel is None:
            raise Refused("time does not move here")
        await self.api.changed()  # the page shows it busy
        try:
            await self.travel.forward(timedelta(seconds=seconds))
        finally:
            await self.api.changed()
        return web.json_response({"clock": self.snapshot()["clock"]})


def _with_file(message: dict[str, Any]) -> dict[str, Any]:
    """The message as Telegram sent it, plus where the page finds its photo or document."""
    if message.get("photo"):
        # Every size of a photo is the one upload: its id and the size's index.
        return {**message, "file_url": f"/files/{message['photo'][0]['file_id'][:-1]}"}
    if message.get("document"):
        return {**message, "file_url": f"/files/{message['document']['file_id']}"}
    return message


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


async def _body(request: web.Request) -> dict[str, Any]:
    if request.content_type != "application/json":
        raise Refused("send JSON")
    try:
        body = await request.json()
    except ValueError:
        raise Refused("send JSON") from None
    if not isinstance(body, dict):
        raise Refused("send a JSON object")
    return body


def local_only(configured: str) -> Any:
    """Requests addressed by IP, as localhost or by the host DEMO_HOST names: a DNS name of
    somebody else's site that resolves here (DNS rebinding) is refused, so a page elsewhere
    cannot read the chats."""

    @web.middleware
    async def check(request: web.Request, handler: Any) -> web.StreamResponse:
        host = (request.url.host or "").strip("[]")
        if host not in ("localhost", configured):
            try:
                ipaddress.ip_address(host)
            except ValueError:
                return web.json_response({"error": "open the demo by its IP address"},
                                         status=403)
        return await handler(request)

    return check


# The page runs only its own script and styles, and talks only to this server: a message that
# got past the page's textContent could still run nothing.
PAGE_POLICY = ("default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: "
               "blob:; connect-src 'self'; object-src 'none'; base-uri 'none'; "
               "form-action 'none'; frame-ancestors 'none'")


@web.middleware
async def guarded(request: web.Request, handler: Any) -> web.StreamResponse:
    response = await handler(request)
    response.headers.setdefault("Content-Security-Policy", PAGE_POLICY)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Referrer-Policy"] = "no-referrer"
    return response


@web.middleware
async def refusals(request: web.Request, handler: Any) -> web.StreamResponse:
    try:
        return await handler(request)
    except Refused as refusal:
        return web.json_response({"error": str(refusal)}, status=400)
