"""A local stand-in for MAX's Bot API (platform-api.max.ru), for running `python -m bot` as a
real process against it (MAX_API_URL).

It answers on 127.0.0.1 with MAX's JSON shapes (the official OpenAPI schema) and its errors,
{"code": ..., "message": ...} with the HTTP status:

- Every call needs `Authorization: <token>` (or the legacy `access_token` query parameter),
  else 401 verify.token; an unknown path is 404 not.found.
- GET /updates long-polls: each pushed update gets a sequence number and `marker` is the last one
  handed out; marker=m gives the updates after m again, so a bot restarted with the marker it
  last finished gets the rest. Without a marker it continues from the last marker handed out.
  A second concurrent poll ends the first one empty. While a webhook is subscribed it is 405.
- POST /subscriptions makes the stand-in POST each update, in order, to the URL with
  X-Max-Bot-Api-Secret, retrying until the webhook answers 200 (MAX counts any other status as
  a failure).
- POST/PUT/DELETE /messages, GET /messages[/{mid}], POST /answers, two-step uploads (the first
  send of a new token is 400 attachment.not.ready), /me, /me/commands, /chats/{id}[/members...].

Every request is recorded (`requests`), and the chats are kept as people see them (`chat()`):
each message's latest text and buttons after edits, so a simulated person (tests/max_people.py)
finds a button by its label. Split for size: tests/max_messages.py (messages, answers, uploads),
tests/max_chats.py (chats and members), tests/max_rules.py (limits, errors, HTML parsing).
"""

from __future__ import annotations

import asyncio
import contextlib
import copy
import itertools
import re
import secrets
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import aiohttp
from aiohttp import web

from bot.demo.local_server import LocalServer
from tests.max_chats import Chat, ChatsMixin, dialog_id
from tests.max_messages import Callback, MessagesMixin, Shown, Upload, now_ms
from tests.max_rules import MaxError, bad_request, check_commands, int_query, json_object

SECRET = re.compile(r"[a-zA-Z0-9_-]{5,256}")
RATE_LIMITED = {("POST", "/messages"), ("PUT", "/messages"), ("DELETE", "/messages"),
                ("POST", "/answers")}


@dataclass
class Recorded:
    """One request: what the bot asked and what it got back."""

    method: str
    path: str
    query: dict[str, str]
    body: Any
    seq: int
    status: int = 200
    response: Any = None
    at: float = field(default_factory=time.monotonic)
    wall: float = field(default_factory=time.time)

    @property
    def ok(self) -> bool:
        refused = isinstance(self.response, dict) and self.response.get("success") is False
        return self.status == 200 and not refused

    @property
    def code(self) -> str | None:
        """The error code of a refused request."""
        return self.response.get("code") if self.status != 200 and isinstance(
            self.response, dict) else None


@dataclass
class Subscription:
    url: str
    update_types: list[str] | None
    secret: str | None
    time: int

    def wants(self, update: dict[str, Any]) -> bool:
        return not self.update_types or update["update_type"] in self.update_types


@dataclass
class Failure:
    """An error to answer instead of running the call (`fail()`)."""

    method: str
    path: str
    error: MaxError
    times: int


@dataclass
class MaxStandIn(MessagesMixin, ChatsMixin, LocalServer):
    token: str = "max-standin-token"
    bot_user_id: int = 900_000_001
    bot_name: str = "Stand-in bot"
    bot_username: str = "standin_bot"
    max_poll_wait: float = 1.0  # the cap on GET /updates' timeout
    not_ready_times: int = 1  # sends of a new upload token answered attachment.not.ready
    edit_quirk: bool = False  # the next PUT /messages answers 200 {"success": false}
    strict_html: bool = True  # unknown HTML tags: 400 (MAX's docs: stripped)
    answer_once: bool = True  # a second POST /answers for one callback: 400
    rate_limits: bool = False  # 30 requests a second; 2 a second per chat for sends and edits
    webhook_retry: float = 0.2  # first pause before a failed webhook POST is retried
    slow: dict[str, float] = field(default_factory=dict)  # "POST /messages" -> seconds
    requests: list[Recorded] = field(default_factory=list)
    updates: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.seq = 0
        self.cursor = 0  # the last marker handed out (or delivered by webhook)
        self.deliveries: dict[int, int] = {}  # update sequence number -> times handed out
        self.users: dict[int, dict[str, Any]] = {}
        self.chats: dict[int, Chat] = {}
        self.blocked: set[int] = set()
        self.messages: dict[str, Shown] = {}
        self.chat_messages: dict[int, list[str]] = {}
        self.callbacks: dict[str, Callback] = {}
        self.uploads: dict[str, Upload] = {}  # token -> upload
        self.upload_slots: dict[int, Upload] = {}
        self.commands: list[dict[str, Any]] = []
        self.description: str | None = None
        self.subscriptions: dict[str, Subscription] = {}
        self.webhook_posts: list[tuple[str, int, int | str]] = []  # url, update number, status
        self.stripped_tags: list[str] = []
        self.failures: list[Failure] = []
        self.base_url = ""
        self._ids = itertools.count(1)
        self._last_seq = 0
        self._recent: deque[tuple[float, int | None]] = deque()
        self._poll_generation = 0
        self._news: asyncio.Condition | None = None
        self._runner: web.AppRunner | None = None
        self._webhook_task: asyncio.Task | None = None
        self._routes: list[tuple[str, re.Pattern[str], Callable[..., Any]]] = [
            (method, re.compile(pattern), handler) for method, pattern, handler in (
                ("GET", r"/me", self._get_me), ("PATCH", r"/me", self._patch_me),
                ("PATCH", r"/me/commands", self._patch_commands),
                ("GET", r"/updates", self._get_updates),
                ("GET", r"/subscriptions", self._get_subscriptions),
                ("POST", r"/subscriptions", self._subscribe),
                ("DELETE", r"/subscriptions", self._unsubscribe),
                ("POST", r"/uploads", self._new_upload),
                ("POST", r"/upload/(\d+)", self._receive_upload),
                ("GET", r"/download/(\d+)", self._download),
                ("POST", r"/messages", self._send), ("PUT", r"/messages", self._edit),
                ("DELETE", r"/messages", self._delete), ("GET", r"/messages", self._list),
                ("GET", r"/messages/([A-Za-z0-9._-]+)", self._get_message),
                ("POST", r"/answers", self._answer),
                *self.chat_routes())]

    # -- lifecycle ---------------------------------------------------------------------------

    async def start(self) -> None:
        await self._serve("/{tail:.*}", self._handle)

    async def stop(self) -> None:
        self.subscriptions.clear()
        if self._webhook_task is not None:
            self._webhook_task.cancel()
            await asyncio.gather(self._webhook_task, return_exceptions=True)
        await self._shut_down()

    # -- what tests use ----------------------------------------------------------------------

    def bot_user(self) -> dict[str, Any]:
        return {"user_id": self.bot_user_id, "first_name": self.bot_name,
                "username": self.bot_username, "is_bot": True,
                "last_activity_time": now_ms(), "name": self.bot_name}

    def person(self, user: dict[str, Any]) -> dict[str, Any]:
        """A person's User object as MAX sends it; they become known."""
        full = {"last_name": "", **user, "is_bot": False, "last_activity_time": now_ms()}
        full["name"] = " ".join(p for p in (full["first_name"], full["last_name"]) if p)
        self.users[full["user_id"]] = full
        return full

    def _next_seq(self) -> int:
        """A message's `seq` as MAX makes it: its time in milliseconds times 65,536, growing."""
        self._last_seq = max(self._last_seq + 1, now_ms() << 16)
        return self._last_seq

    def push_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update (its sequence number is its place in `updates`, from 1)."""
        update = {**update, "timestamp": update.get("timestamp") or now_ms()}
        self.updates.append(update)
        self._notify_soon()
        return update

    def push_message(self, user: dict[str, Any], text: str, chat_id: int | None = None,
                     attachments: list[dict[str, Any]] | None = None) -> dict[str, Any]:
        """A person's message: in their dialog with the bot, or in the group `chat_id`."""
        sender = self.person(user)
        if chat_id is None:
            chat = self._dialog(sender)
            recipient = {"chat_id": chat.chat_id, "chat_type": "dialog",
                         "user_id": self.bot_user_id}
        else:
            chat = self.chats.get(chat_id) or self._group(chat_id, sender)
            chat.add_member(sender)
            recipient = {"chat_id": chat_id, "chat_type": "chat"}
        body: dict[str, Any] = {"mid": self._new_mid(), "seq": self._next_seq(),
                                "text": text}
        if attachments:
            body["attachments"] = attachments
        message = {"sender": sender, "recipient": recipient, "timestamp": now_ms(), "body": body}
        self._keep(Shown(message, text, self.seq))
        update: dict[str, Any] = {"update_type": "message_created", "message": message}
        if chat_id is None:
            update["user_locale"] = "ru"
        return self.push_update(copy.deepcopy(update))

    def push_bot_started(self, user: dict[str, Any], payload: str | None = None) -> dict[str, Any]:
        """The person pressed Start (or opened a deep link with `payload`); a stopped bot is
        available to them again."""
        person = self.person(user)
        self.blocked.discard(person["user_id"])
        return self.push_update({"update_type": "bot_started",
                                 "chat_id": self._dialog(person).chat_id, "user": person,
                                 "user_id": person["user_id"], "payload": payload,
                                 "user_locale": "ru"})

    def push_bot_stopped(self, user: dict[str, Any]) -> dict[str, Any]:
        """The person stopped the bot: sending to them is 403 chat.denied from now on."""
        person = self.person(user)
        self.blocked.add(person["user_id"])
        return self.push_update({"update_type": "bot_stopped",
                                 "chat_id": self._dialog(person).chat_id, "user": person,
                                 "user_id": person["user_id"], "user_locale": "ru"})

    def push_callback(self, user: dict[str, Any], mid: str, payload: str) -> dict[str, Any]:
        """The person pressed a callback button with `payload` under the message `mid`."""
        person = self.person(user)
        shown = self.messages.get(mid)
        callback = Callback(secrets.token_urlsafe(24), person["user_id"], mid, payload, self.seq)
        self.callbacks[callback.callback_id] = callback
        message = None if shown is None or shown.deleted else copy.deepcopy(shown.message)
        return self.push_update({
            "update_type": "message_callback",
            "callback": {"timestamp": now_ms(), "callback_id": callback.callback_id,
                         "payload": payload, "user": person},
            "message": message, "user_locale": "ru"})

    def push_bot_added(self, chat_id: int, user: dict[str, Any],
                       title: str = "Группа") -> dict[str, Any]:
        """`user` added the bot to the group `chat_id` (negative, as in MAX)."""
        person = self.person(user)
        chat = self.chats.get(chat_id) or self._group(chat_id, person, title)
        chat.status = "active"
        chat.add_member(person)
        return self.push_update({"update_type": "bot_added", "chat_id": chat_id,
                                 "user": person, "user_id": person["user_id"],
                                 "is_channel": False})

    def push_bot_removed(self, chat_id: int, user: dict[str, Any]) -> dict[str, Any]:
        person = self.person(user)
        if chat_id in self.chats:
            self.chats[chat_id].status = "removed"
        return self.push_update({"update_type": "bot_removed", "chat_id": chat_id,
                                 "user": person, "user_id": person["user_id"],
                                 "is_channel": False})

    def push_user_added(self, chat_id: int, user: dict[str, Any],
                        inviter_id: int | None = None) -> dict[str, Any]:
        person = self.person(user)
        chat = self.chats.get(chat_id) or self._group(chat_id, person)
        chat.add_member(person)
        return self.push_update({"update_type": "user_added", "chat_id": chat_id,
                                 "user": person, "user_id": person["user_id"],
                                 "inviter_id": inviter_id, "is_channel": False})

    def fail(self, method: str, path: str, status: int, code: str | None = None,
             message: str = "", times: int = 1) -> None:
        """Answer the next `times` calls of `method path` with an error, e.g. 429 or 500."""
        default = {429: "too.many.requests", 500: "internal.error", 503: "service.unavailable"}
        self.failures.append(Failure(method.upper(), path, MaxError(
            status, code or default.get(status, "error"), message or f"HTTP {status}"), times))

    def request(self, seq: int) -> Recorded:
        return self.requests[seq - 1]

    def calls(self, path: str, method: str | None = None) -> list[Recorded]:
        return [r for r in self.requests
                if r.path == path and (method is None or r.method == method.upper())]

    def chat(self, user_or_chat_id: int) -> list[Shown]:
        """A dialog (by the person's user_id) or group chat as it looks now, oldest first."""
        return [self.messages[mid] for mid in self._chat_mids(user_or_chat_id)
                if not self.messages[mid].deleted]

    def alerts(self, user_id: int) -> list[str]:
        """The notifications the bot answered this person's presses with, in order."""
        answered = [c for c in self.callbacks.values()
                    if c.user_id == user_id and c.answer is not None and c.notification]
        return [str(c.notification) for c in sorted(answered, key=lambda c: c.answer.seq)]

    def uploads_to(self, user_or_chat_id: int) -> list[Upload]:
        """The files and images the bot sent to a person or chat, deleted messages included."""
        return [upload for mid in self._chat_mids(user_or_chat_id)
                for upload in self.messages[mid].uploads]

    @staticmethod
    def describe_request(request: Recorded) -> str:
        return f"{request.method} {request.path}"

    # -- the HTTP side -------------------------------------------------------------------------

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        path = request.path
        routes = [(m, pattern.fullmatch(path), h) for m, pattern, h in self._routes]
        routes = [(m, match, h) for m, match, h in routes if match]
        body: Any = None
        if request.content_type == "application/json" and request.can_read_body:
            try:
                body = await request.json()
            except ValueError:
                body = ...
        self.seq += 1
        recorded = Recorded(request.method, path, dict(request.query), body, self.seq)
        self.requests.append(recorded)
        result: Any = None
        try:
            if not path.startswith(("/upload/", "/download/")) and not self._authorized(request):
                raise MaxError(401, "verify.token", "Invalid access_token")
            if not routes:
                raise MaxError(404, "not.found", f"Path {path} not found")
            handler = next((h for m, _, h in routes if m == request.method), None)
            if handler is None:
                raise MaxError(405, "method.not.allowed", f"Method {request.method} not allowed")
            if body is ...:
                raise bad_request("Invalid JSON in the request body")
            self._check_failures_and_limits(recorded)
            delay = self.slow.get(f"{request.method} {path}")
            if delay:
                await self._notify()
                await asyncio.sleep(delay)
            match = next(match for m, match, _ in routes if m == request.method)
            result = await handler(recorded, request, *match.groups())
        except MaxError as error:
            recorded.status, recorded.response = error.status, error.body()
        else:
            if not isinstance(result, web.StreamResponse):
                recorded.response = result
        await self._notify()
        if isinstance(result, web.StreamResponse):
            return result
        return web.json_response(recorded.response, status=recorded.status)

    def _authorized(self, request: web.Request) -> bool:
        return self.token in (request.headers.get("Authorization"),
                              request.query.get("access_token"))

    def _check_failures_and_limits(self, recorded: Recorded) -> None:
        for failure in self.failures:
            if failure.times > 0 and (failure.method, failure.path) == (recorded.method,
                                                                       recorded.path):
                failure.times -= 1
                raise failure.error
        if not self.rate_limits or recorded.path == "/updates":
            return
        # dev.max.ru: 30 requests a second in all, and 2 a second per chat for sending,
        # editing and deleting messages and for answering callbacks.
        while self._recent and recorded.at - self._recent[0][0] > 1.0:
            self._recent.popleft()
        chat = self._rate_chat(recorded) if (recorded.method,
                                             recorded.path) in RATE_LIMITED else None
        same_chat = sum(1 for _, c in self._recent if chat is not None and c == chat)
        if len(self._recent) >= 30 or same_chat >= 2:
            raise MaxError(429, "too.many.requests", "Too many requests")
        self._recent.append((recorded.at, chat))

    def _rate_chat(self, recorded: Recorded) -> int | None:
        query = recorded.query
        with contextlib.suppress(ValueError, KeyError):
            if "user_id" in query:
                return dialog_id(int(query["user_id"]))
            if "chat_id" in query:
                return int(query["chat_id"])
            if "message_id" in query:
                return self.messages[query["message_id"]].chat_id
            if "callback_id" in query:
                return self.messages[self.callbacks[query["callback_id"]].mid].chat_id
        return None

    # -- /me -------------------------------------------------------------------------------------

    def _bot_info(self) -> dict[str, Any]:
        return {**self.bot_user(), "description": self.description,
                "commands": copy.deepcopy(self.commands)}

    async def _get_me(self, recorded: Recorded, request: web.Request) -> dict[str, Any]:
        return self._bot_info()

    async def _patch_me(self, recorded: Recorded, request: web.Request) -> dict[str, Any]:
        body = json_object(recorded.body)
        if body.get("commands") is not None:
            self.commands = check_commands(body["commands"])
        if body.get("first_name") is not None:
            self.bot_name = str(body["first_name"])
        if body.get("description") is not None:
            self.description = str(body["description"])
        return self._bot_info()

    async def _patch_commands(self, recorded: Recorded, request: web.Request) -> dict[str, Any]:
        self.commands = check_commands(json_object(recorded.body).get("commands"))
        return {"commands": copy.deepcopy(self.commands)}

    # -- updates ---------------------------------------------------------------------------------

    async def _get_updates(self, recorded: Recorded, request: web.Request) -> dict[str, Any]:
        if self.subscriptions:
            raise MaxError(405, "method.not.allowed",
                           "Long polling is not available while a webhook subscription is active")
        query = recorded.query
        limit = int_query(query, "limit", 100, 1, 1000)
        wait = min(int_query(query, "timeout", 30, 0, 90), self.max_poll_wait)
        raw_marker = query.get("marker")
        start = self.cursor if raw_marker in (None, "", "null") else int_query(
            query, "marker", 0, 0, None)
        types = {kind for value in request.query.getall("types", [])
                 for kind in value.split(",") if kind}
        self._poll_generation += 1
        generation = self._poll_generation
        await self._notify()  # an older poll learns it was superseded

        def ready() -> bool:
            return generation != self._poll_generation or any(
                not types or u["update_type"] in types for u in self.updates[start:])

        if not ready():
            with contextlib.suppress(TimeoutError):
                await self.wait_until(ready, wait)
        if generation != self._poll_generation:
            return {"updates": [], "marker": start}
        batch: list[dict[str, Any]] = []
        marker = start
        for number, update in enumerate(self.updates[start:], start + 1):
            if types and update["update_type"] not in types:
                marker = number  # filtered out: skipped for good, as a server-side filter
                continue
            if len(batch) == limit:
                break
            batch.append(update)
            marker = number
            self.deliveries[number] = self.deliveries.get(number, 0) + 1
        self.cursor = marker
        return {"updates": copy.deepcopy(batch), "marker": marker}

    async def _get_subscriptions(self, recorded: Recorded,
                                 request: web.Request) -> dict[str, Any]:
        return {"subscriptions": [{"url": s.url, "time": s.time, "update_types": s.update_types}
                                  for s in self.subscriptions.values()]}

    async def _subscribe(self, recorded: Recorded, request: web.Request) -> dict[str, Any]:
        body = json_object(recorded.body)
        url, secret, types = body.get("url"), body.get("secret"), body.get("update_types")
        # MAX takes only https on port 443; plain http to any port is accepted here.
        if not isinstance(url, str) or not url.startswith(("http://", "https://")):
            raise bad_request("url must be an https:// address")
        if secret is not None and not (isinstance(secret, str) and SECRET.fullmatch(secret)):
            raise bad_request("secret must match ^[a-zA-Z0-9_-]{5,256}$")
        if types is not None and not (isinstance(types, list)
                                      and all(isinstance(t, str) for t in types)):
            raise bad_request("update_types must be an array of strings")
        self.subscriptions[url] = Subscription(url, types, secret, now_ms())
        self._poll_generation += 1  # a running long poll ends
        if self._webhook_task is None or self._webhook_task.done():
            self._webhook_task = asyncio.get_running_loop().create_task(self._webhook_loop())
        return {"success": True}

    async def _unsubscribe(self, recorded: Recorded, request: web.Request) -> dict[str, Any]:
        url = recorded.query.get("url")
        if not url:
            raise bad_request("url is required")
        self.subscriptions.pop(url, None)
        return {"success": True}

    async def _webhook_loop(self) -> None:
        """Deliver each update in order to every subscription that wants it, one at a time."""
        async with aiohttp.ClientSession() as http:
            while self.subscriptions:
                if self.cursor >= len(self.updates):
                    with contextlib.suppress(TimeoutError):
                        await self.wait_until(lambda: self.cursor < len(self.updates)
                                              or not self.subscriptions, 0.5)
                    continue
                number = self.cursor + 1
                update = self.updates[self.cursor]
                for subscription in list(self.subscriptions.values()):
                    if subscription.wants(update):
                        await self._post_update(http, subscription, number, update)
                self.cursor = max(self.cursor, number)
                await self._notify()

    async def _post_update(self, http: aiohttp.ClientSession, subscription: Subscription,
                           number: int, update: dict[str, Any]) -> None:
        headers = {"X-Max-Bot-Api-Secret": subscription.secret} if subscription.secret else {}
        delay = self.webhook_retry
        while self.subscriptions.get(subscription.url) is subscription:
            self.deliveries[number] = self.deliveries.get(number, 0) + 1
            status: int | str
            try:
                async with http.post(subscription.url, json=update, headers=headers,
                                     timeout=aiohttp.ClientTimeout(total=30)) as response:
                    await response.read()
                    status = response.status
            except (aiohttp.ClientError, TimeoutError) as error:
                status = type(error).__name__
            self.webhook_posts.append((subscription.url, number, status))
            await self._notify()
            if status == 200:
                return
            await asyncio.sleep(delay)
            delay = min(delay * 2, 2.0)
