"""A local stand-in for the Telegram Bot API, for running `python -m bot` as a real process.

It serves `/bot<token>/<method>` on 127.0.0.1 and answers the methods the bot uses with the JSON
Telegram returns, errors included:

- getUpdates long-polls like Telegram: it returns every update whose update_id >= the offset,
  and an update is forgotten only when a later call confirms it with a higher offset, so a bot
  killed before confirming gets it again. A second concurrent getUpdates ends the first one with
  409 Conflict, and so does getUpdates while a webhook is set. setWebhook makes the stand-in POST
  the pending updates to the URL (with X-Telegram-Bot-Api-Secret-Token), retrying until the
  webhook answers 2xx; a method in the webhook's reply is executed. Unlike Telegram, plain http
  to any port is accepted.
- Sent and edited messages come back as Message objects: text parsed from parse_mode=HTML into
  plain text and entities (URLs, commands, mentions and hashtags are detected too), only inline
  keyboards echoed. Telegram's 400s: unparsable HTML, empty or too long text, callback_data over
  64 bytes, "message is not modified", "message to edit/delete not found", a callback query
  answered twice (or, with `callback_query_ttl`, too late), an unknown chat; 403 for a person
  in `blocked`; 401 for another token when `token` is set; 404 for an unknown method.
- sendDocument and sendPhoto arrive as multipart/form-data (`attach://` parts or a direct file
  part) or with a file_id sent before; the upload is kept (`Upload`: file name, bytes) and the
  answer carries a `document` or `photo` object.

Every request is recorded (`requests`), and the chats are kept as people see them (`messages`):
each message's latest text and buttons after edits, so a simulated person can find a button by
its label (tests/e2e_people.py).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import mimetypes
import re
import secrets
import struct
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, ClassVar

import aiohttp
from aiohttp import web

from tests.standin_server import StandInServer

# Parameters that carry free text and must never be decoded as JSON, even if they look like it.
TEXT_PARAMS = frozenset({"text", "caption", "description", "short_description", "query", "name",
                         "secret_token", "url"})
TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64
# What getUpdates hands out when allowed_updates was never given (Telegram's default).
NOT_BY_DEFAULT = frozenset({"chat_member", "message_reaction", "message_reaction_count"})
QUERY_INVALID = ("Bad Request: query is too old and response timeout expired or query ID is "
                 "invalid")
NOT_MODIFIED = ("Bad Request: message is not modified: specified new message content and reply "
                "markup are exactly the same as a current content and reply markup of the message")


class BotAPIError(Exception):
    """An error answer: {"ok": false, "error_code": ..., "description": ...}."""

    def __init__(self, code: int, description: str,
                 parameters: dict[str, Any] | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.parameters = code, description, parameters

    def body(self) -> dict[str, Any]:
        body: dict[str, Any] = {"ok": False, "error_code": self.code,
                                "description": self.description}
        if self.parameters:
            body["parameters"] = self.parameters
        return body


@dataclass
class Upload:
    """A file the bot uploaded: the form field it came in, its name and bytes."""

    field: str
    filename: str
    data: bytes
    content_type: str
    file_id: str
    file_unique_id: str


@dataclass
class Recorded:
    """One request the bot made: the method, its decoded parameters and what it got back."""

    method: str
    params: dict[str, Any]
    result: Any = None
    files: dict[str, Upload] = field(default_factory=dict)
    error: BotAPIError | None = None
    seq: int = 0
    at: float = 0.0  # time.monotonic() when it arrived
    wall: float = field(default_factory=time.time)  # time.time() when it arrived
    via_webhook: bool = False  # a method the bot returned in its answer to a webhook POST

    @property
    def ok(self) -> bool:
        return self.error is None

    @property
    def chat_id(self) -> str:
        return str(self.params.get("chat_id", ""))


@dataclass
class Shown:
    """A message in a chat as people see it now: the Message object after every edit."""

    message: dict[str, Any]
    source: str  # the text or caption as the bot sent it (HTML, before parsing)
    changed: int  # `seq` of the request that sent or last edited it
    deleted: bool = False

    @property
    def message_id(self) -> int:
        return self.message["message_id"]

    @property
    def text(self) -> str:
        return self.message.get("text") or self.message.get("caption") or ""

    @property
    def from_bot(self) -> bool:
        return bool(self.message.get("from", {}).get("is_bot"))

    def buttons(self) -> list[tuple[str, str | None]]:
        """(label, callback_data) of each inline button, row by row."""
        markup = self.message.get("reply_markup") or {}
        return [(button.get("text", ""), button.get("callback_data"))
                for row in markup.get("inline_keyboard", []) for button in row]


@dataclass
class CallbackQuery:
    id: str
    user_id: int
    chat_id: int
    message_id: int
    data: str
    pushed_at: float
    pushed_seq: int
    answer: Recorded | None = None


@dataclass
class Webhook:
    url: str
    secret_token: str | None
    max_connections: int
    allowed_updates: list[str] | None
    last_error_date: int | None = None
    last_error_message: str | None = None
    task: asyncio.Task | None = None


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


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


class _HtmlText(HTMLParser):
    """Telegram's HTML parse mode: the plain text and its entities, or Telegram's 400."""

    TAGS: ClassVar[dict[str, str]] = {
        "b": "bold", "strong": "bold", "i": "italic", "em": "italic", "u": "underline",
        "ins": "underline", "s": "strikethrough", "strike": "strikethrough",
        "del": "strikethrough", "tg-spoiler": "spoiler", "span": "spoiler", "code": "code",
        "pre": "pre", "a": "text_link", "blockquote": "blockquote", "tg-emoji": "custom_emoji"}

    def __init__(self, source: str) -> None:
        super().__init__(convert_charrefs=True)
        self.source = source
        self.parts: list[str] = []
        self.length = 0  # UTF-16 code units, as Telegram counts offsets
        self.open: list[tuple[str, dict[str, Any]]] = []
        self.entities: list[dict[str, Any]] = []
        self._line_starts = [0] + [m.end() for m in re.finditer("\n", source)]

    def _byte_offset(self) -> int:
        line, column = self.getpos()
        index = self._line_starts[line - 1] + column
        return len(self.source[:index].encode())

    def _fail(self, message: str) -> None:
        raise BotAPIError(400, f"Bad Request: can't parse entities: {message}")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attributes = dict(attrs)
        if tag not in self.TAGS or (tag == "span" and attributes.get("class") != "tg-spoiler"):
            self._fail(f'Unsupported start tag "{tag}" at byte offset {self._byte_offset()}')
        entity: dict[str, Any] = {"type": self.TAGS[tag], "offset": self.length}
        if tag == "a":
            if not attributes.get("href"):
                self._fail(f"Can't find href in a tag at byte offset {self._byte_offset()}")
            entity["url"] = attributes["href"]
        if tag == "blockquote" and "expandable" in attributes:
            entity["type"] = "expandable_blockquote"
        if tag == "tg-emoji":
            entity["custom_emoji_id"] = attributes.get("emoji-id") or ""
        if tag == "code" and self.open and self.open[-1][0] == "pre":
            language = (attributes.get("class") or "").removeprefix("language-")
            if language and language != attributes.get("class"):
                self.open[-1][1]["language"] = language
                entity["type"] = ""  # the language goes to the pre entity
        self.open.append((tag, entity))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if not self.open or self.open[-1][0] != tag:
            expected = f'"</{self.open[-1][0]}>"' if self.open else "nothing"
            self._fail(f"Unmatched end tag at byte offset {self._byte_offset()}, expected "
                       f'{expected}, found "</{tag}>"')
        _, entity = self.open.pop()
        entity["length"] = self.length - entity["offset"]
        if entity["type"] and entity["length"] > 0:
            self.entities.append(entity)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        self.length += utf16_length(data)

    def result(self) -> tuple[str, list[dict[str, Any]]]:
        self.feed(self.source)
        self.close()
        if self.open:
            self._fail(f'Can\'t find end tag corresponding to start tag "{self.open[-1][0]}"')
        return "".join(self.parts), self.entities


AUTO_ENTITIES = [
    ("url", re.compile(r"(?:https?://|\bt\.me/)[^\s<>\"']+")),
    ("email", re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")),
    ("bot_command", re.compile(r"(?<![\w/])/[A-Za-z0-9_]{1,32}(?:@\w+)?")),
    ("mention", re.compile(r"(?<![\w@])@\w{4,32}")),
    ("hashtag", re.compile(r"(?<![\w#])#\w*[^\W\d]\w*")),
]


def format_text(text: str, parse_mode: str | None,
                entities: list[dict[str, Any]] | None = None) -> tuple[str, list[dict[str, Any]]]:
    """What Telegram stores for a text or caption: plain text and sorted entities."""
    if parse_mode and parse_mode.upper() == "HTML":
        plain, found = _HtmlText(text).result()
    else:  # Markdown modes are not parsed; the bot uses HTML
        plain, found = text, list(entities or [])
    taken = [(e["offset"], e["offset"] + e["length"]) for e in found
             if e["type"] in ("code", "pre", "text_link", "url", "email")]
    for kind, pattern in AUTO_ENTITIES:
        for match in pattern.finditer(plain):
            value = match.group().rstrip(".,:;!?)»") if kind == "url" else match.group()
            start = utf16_length(plain[:match.start()])
            length = utf16_length(value)
            if any(start < end and begin < start + length for begin, end in taken):
                continue
            found.append({"type": kind, "offset": start, "length": length})
            taken.append((start, start + length))
    found.sort(key=lambda e: (e["offset"], -e["length"]))
    return plain, found


def image_size(data: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG or JPEG, None for anything else."""
    if data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    if data[:2] == b"\xff\xd8":
        index = 2
        while index + 9 < len(data):
            if data[index] != 0xFF:
                index += 1
                continue
            marker = data[index + 1]
            length = struct.unpack(">H", data[index + 2:index + 4])[0]
            if marker in (0xC0, 0xC1, 0xC2):
                height, width = struct.unpack(">HH", data[index + 5:index + 9])
                return width, height
            index += 2 + length
    return None


@dataclass
class BotAPIStandIn(StandInServer):
    max_poll_wait: float = 1.0
    # When set, any other token is refused with 401 Unauthorized.
    token: str | None = None
    # Seconds after which answerCallbackQuery is refused (Telegram: some seconds); None: never.
    callback_query_ttl: float | None = None
    # Writing to a chat nobody opened is 400 "chat not found", as on Telegram.
    strict_chats: bool = True
    # Seconds a method's answer is held back (a slow Telegram), by lower-case method name.
    slow: dict[str, float] = field(default_factory=dict)
    requests: list[Recorded] = field(default_factory=list)
    # Every update ever pushed, confirmed or not.
    updates: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._update_ids = itertools.count(1)
        self._query_ids = itertools.count(4_000_000_000_000_000_001)
        self._file_ids = itertools.count(1)
        self.pending: list[dict[str, Any]] = []  # not yet confirmed
        self.deliveries: dict[int, int] = {}  # update_id -> times handed out
        self.chats: dict[int, dict[str, Any]] = {}
        self.users: dict[int, dict[str, Any]] = {}
        self.blocked: set[int] = set()
        self.messages: dict[int, dict[int, Shown]] = {}  # chat id -> message id -> Shown
        self.queries: dict[str, CallbackQuery] = {}
        self.uploads: dict[str, Upload] = {}  # file_id -> upload
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.webhook: Webhook | None = None
        self.allowed_updates: set[str] | None = None
        self.seq = 0
        self._next_message_id: dict[int, int] = {}
        self._poll_generation = 0
        self._news: asyncio.Condition | None = None
        self._answers: dict[str, Callable[[Recorded, dict[str, Upload]], Awaitable[Any]]] | None \
            = None
        self._runner: web.AppRunner | None = None
        self.base_url = ""
        self.bot_user: dict[str, Any] = {}

    # -- lifecycle -------------------------------------------------------------------------

    async def start(self) -> None:
        await self._serve("/bot{token}/{method}", self._handle)

    async def stop(self) -> None:
        await self._set_webhook(None)
        await self._shut_down()

    # -- what tests use --------------------------------------------------------------------

    def push_update(self, update: dict[str, Any]) -> dict[str, Any]:
        """Queue an update for getUpdates (or the webhook); an update_id is assigned unless
        given. The chats and people in it become known, as on Telegram."""
        update = {"update_id": next(self._update_ids), **update}
        for kind in ("message", "edited_message", "channel_post", "my_chat_member",
                     "chat_member", "callback_query"):
            event = update.get(kind)
            if not isinstance(event, dict):
                continue
            sender = event.get("from")
            if isinstance(sender, dict) and "id" in sender:
                self.users[sender["id"]] = sender
            chat = event.get("chat") or (event.get("message") or {}).get("chat")
            if isinstance(chat, dict) and "id" in chat:
                self.chats[chat["id"]] = chat
        message = update.get("message")
        if isinstance(message, dict) and "message_id" in message and "chat" in message:
            chat_id = message["chat"]["id"]
            if message["message_id"] not in self.messages.get(chat_id, {}):
                self._keep(chat_id, Shown(message, str(message.get("text", "")), self.seq))
                self._next_message_id[chat_id] = max(self._next_message_id.get(chat_id, 0),
                                                     message["message_id"])
        query = update.get("callback_query")
        if isinstance(query, dict) and str(query.get("id")) not in self.queries:
            shown = query.get("message") or {}
            self.queries[str(query["id"])] = CallbackQuery(
                str(query["id"]), query["from"]["id"], (shown.get("chat") or {}).get("id", 0),
                shown.get("message_id", 0), str(query.get("data", "")), time.monotonic(),
                self.seq)
        self.updates.append(update)
        self.pending.append(update)
        self._notify_soon()
        return update

    def push_message(self, user: dict[str, Any], text: str,
                     chat: dict[str, Any] | None = None, **extra: Any) -> dict[str, Any]:
        """A person's text message; a leading /command gets its bot_command entity."""
        chat = chat or {"id": user["id"], "type": "private",
                        **{k: user[k] for k in ("first_name", "last_name", "username")
                           if k in user}}
        self.chats[chat["id"]] = chat
        message = {"message_id": self._new_message_id(chat["id"]), "from": user, "chat": chat,
                   "date": int(time.time()), "text": text, **extra}
        command = re.match(r"/[A-Za-z0-9_]{1,32}(?:@\w+)?", text)
        if command and "entities" not in extra:
            message["entities"] = [{"type": "bot_command", "offset": 0,
                                    "length": utf16_length(command.group())}]
        return self.push_update({"message": message})

    def push_callback_query(self, user: dict[str, Any], chat_id: int, message_id: int,
                            data: str) -> dict[str, Any]:
        """A person pressing a button with `data` under a message in their chat."""
        shown = self.messages.get(chat_id, {}).get(message_id)
        query: dict[str, Any] = {"id": str(next(self._query_ids)), "from": user,
                                 "chat_instance": str(abs(chat_id) * 7919 % 10**18),
                                 "data": data}
        if shown is not None and not shown.deleted:
            query["message"] = json.loads(json.dumps(shown.message))
        else:  # Telegram still names the message, as inaccessible
            query["message"] = {"chat": self.chats.get(chat_id, {"id": chat_id,
                                                                "type": "private"}),
                                "message_id": message_id, "date": 0}
        return self.push_update({"callback_query": query})

    def request(self, seq: int) -> Recorded:
        """The request numbered `seq` (a Shown's `changed`, say)."""
        return self.requests[seq - 1]

    def calls(self, method: str) -> list[Recorded]:
        return [request for request in self.requests if request.method == method]

    def chat(self, chat_id: int) -> list[Shown]:
        """The messages of a chat as they look now, oldest first, deleted ones left out."""
        return [shown for _, shown in sorted(self.messages.get(chat_id, {}).items())
                if not shown.deleted]

    def uploads_to(self, chat_id: int) -> list[Upload]:
        return [upload for request in self.requests
                if request.ok and request.chat_id == str(chat_id)
                for upload in request.files.values()]

    # -- the Bot API -----------------------------------------------------------------------

    async def _read(self, request: web.Request) -> tuple[dict[str, Any], dict[str, Upload]]:
        raw: dict[str, Any] = dict(request.query)
        parts: dict[str, Upload] = {}
        if request.content_type == "application/json":
            body = await request.json()
            raw.update(body if isinstance(body, dict) else {})
        elif request.can_read_body:
            for name, value in (await request.post()).items():
                if isinstance(value, web.FileField):
                    data = value.file.read()
                    parts[name] = Upload(name, value.filename or name, data,
                                         value.content_type or "application/octet-stream",
                                         "", "")
                else:
                    raw[name] = value
        return raw, parts

    async def _handle(self, request: web.Request) -> web.Response:
        token = request.match_info["token"]
        method = request.match_info["method"]
        raw, parts = await self._read(request)
        if self.token is not None and token != self.token:
            error = BotAPIError(401, "Unauthorized")
            return web.json_response(error.body(), status=error.code)
        if not self.bot_user:
            bot_id = token.split(":", 1)[0]
            self.bot_user = {"id": int(bot_id) if bot_id.isdigit() else 1, "is_bot": True,
                             "first_name": "Stand-in bot", "username": "standin_bot"}
        recorded = await self.call(method, raw, parts)
        if recorded.error is not None:
            return web.json_response(recorded.error.body(), status=recorded.error.code)
        body: dict[str, Any] = {"ok": True, "result": recorded.result}
        if method.lower() == "setwebhook":
            body["description"] = "Webhook was set"
        elif method.lower() == "deletewebhook":
            body["description"] = "Webhook was deleted"
        return web.json_response(body)

    async def call(self, method: str, raw: dict[str, Any],
                   parts: dict[str, Upload] | None = None, *,
                   via_webhook: bool = False) -> Recorded:
        """Execute one Bot API method and record it; errors are recorded, not raised."""
        self.seq += 1
        recorded = Recorded(method, decode_params(raw), seq=self.seq, at=time.monotonic(),
                            via_webhook=via_webhook)
        self.requests.append(recorded)
        if self._answers is None:
            self._answers = self._methods()
        answer = self._answers.get(method.lower())
        if self.slow.get(method.lower()):
            await self._notify()  # the call is seen at once; its answer comes later
            await asyncio.sleep(self.slow[method.lower()])
        try:
            if answer is None:
                raise BotAPIError(404, "Not Found")
            recorded.result = await answer(recorded, parts or {})
        except BotAPIError as error:
            recorded.error = error
        await self._notify()
        return recorded

    def _methods(self) -> dict[str, Callable[[Recorded, dict[str, Upload]], Awaitable[Any]]]:
        methods = {name.removeprefix("_api_"): getattr(self, name)
                   for name in dir(self) if name.startswith("_api_")}
        for name in ("sendchataction", "setmydescription", "setmyshortdescription", "setmyname",
                     "setchatmenubutton", "pinchatmessage", "unpinchatmessage",
                     "unpinallchatmessages", "leavechat", "setmessagereaction", "logout",
                     "close", "setmydefaultadministratorrights"):
            methods.setdefault(name, self._api_true)
        return methods

    async def _api_true(self, recorded: Recorded, parts: dict[str, Upload]) -> bool:
        return True

    async def _api_getme(self, recorded: Recorded, parts: dict[str, Upload]) -> dict[str, Any]:
        return {**self.bot_user, "can_join_groups": True, "can_read_all_group_messages": False,
                "supports_inline_queries": False, "can_connect_to_business": False,
                "has_main_web_app": False}

    # -- updates ---------------------------------------------------------------------------

    def _allowed(self, update: dict[str, Any], allowed: set[str] | None) -> bool:
        kind = next(key for key in update if key != "update_id")
        return kind in allowed if allowed else kind not in NOT_BY_DEFAULT

    def _confirm(self, offset: int) -> None:
        self.pending = [update for update in self.pending if update["update_id"] >= offset]

    async def _api_getupdates(self, recorded: Recorded,
                              parts: dict[str, Upload]) -> list[dict[str, Any]]:
        if self.webhook is not None:
            raise BotAPIError(409, "Conflict: can't use getUpdates method while webhook is "
                                   "active; use deleteWebhook to delete the webhook first")
        params = recorded.params
        self._poll_generation += 1
        generation = self._poll_generation
        await self._notify()  # an older poll learns it was superseded
        if "allowed_updates" in params:
            allowed = params["allowed_updates"]
            self.allowed_updates = set(allowed) if allowed else None
        offset = int(params.get("offset") or 0)
        if offset < 0:
            self.pending = self.pending[offset:]
        elif offset:
            self._confirm(offset)
        limit = min(max(int(params.get("limit") or 100), 1), 100)
        wait = min(float(params.get("timeout") or 0), self.max_poll_wait)

        def ready() -> bool:
            return generation != self._poll_generation or any(
                self._allowed(u, self.allowed_updates) for u in self.pending)

        if not ready():
            with contextlib.suppress(TimeoutError):
                await self.wait_until(ready, wait)
        if generation != self._poll_generation:
            raise BotAPIError(409, "Conflict: terminated by other getUpdates request; make sure "
                                   "that only one bot instance is running")
        batch = [u for u in self.pending if self._allowed(u, self.allowed_updates)][:limit]
        for update in batch:
            self.deliveries[update["update_id"]] = self.deliveries.get(update["update_id"],
                                                                       0) + 1
        return batch

    async def _api_setwebhook(self, recorded: Recorded, parts: dict[str, Upload]) -> bool:
        params = recorded.params
        url = str(params.get("url") or "")
        if not url:
            await self._set_webhook(None)
            return True
        if not url.startswith(("http://", "https://")):
            raise BotAPIError(400, "Bad Request: bad webhook: An HTTPS URL must be provided for "
                                   "webhook")
        secret = params.get("secret_token")
        if secret is not None and not re.fullmatch(r"[A-Za-z0-9_-]{1,256}", str(secret)):
            raise BotAPIError(400, "Bad Request: secret token contains unallowed characters")
        if str(params.get("drop_pending_updates", "")).lower() == "true":
            self.pending.clear()
        allowed = params.get("allowed_updates")
        await self._set_webhook(Webhook(url, secret, int(params.get("max_connections") or 40),
                                        allowed if isinstance(allowed, list) else None))
        return True

    async def _api_deletewebhook(self, recorded: Recorded, parts: dict[str, Upload]) -> bool:
        if str(recorded.params.get("drop_pending_updates", "")).lower() == "true":
            self.pending.clear()
        await self._set_webhook(None)
        return True

    async def _api_getwebhookinfo(self, recorded: Recorded,
                                  parts: dict[str, Upload]) -> dict[str, Any]:
        info: dict[str, Any] = {"url": "", "has_custom_certificate": False,
                                "pending_update_count": len(self.pending)}
        hook = self.webhook
        if hook is not None:
            info.update(url=hook.url, max_connections=hook.max_connections,
                        ip_address="127.0.0.1")
            if hook.allowed_updates is not None:
                info["allowed_updates"] = hook.allowed_updates
            if hook.last_error_date is not None:
                info.update(last_error_date=hook.last_error_date,
                            last_error_message=hook.last_error_message)
        return info

    async def _set_webhook(self, hook: Webhook | None) -> None:
        old, self.webhook = self.webhook, hook
        if old is not None and old.task is not None:
            old.task.cancel()  # not awaited: this may run inside one of its deliveries
        if hook is not None:
            self._poll_generation += 1  # a running getUpdates ends with 409
            hook.task = asyncio.get_running_loop().create_task(self._webhook_loop(hook))
        await self._notify()

    async def _webhook_loop(self, hook: Webhook) -> None:
        slots = asyncio.Semaphore(hook.max_connections)
        allowed = set(hook.allowed_updates) if hook.allowed_updates else None
        tasks: dict[int, asyncio.Task] = {}
        async with aiohttp.ClientSession() as http:
            try:
                while self.webhook is hook:
                    for update in list(self.pending):
                        if update["update_id"] not in tasks and self._allowed(update, allowed):
                            tasks[update["update_id"]] = asyncio.create_task(
                                self._post_update(http, hook, slots, update))
                    for update_id in [u for u, task in tasks.items() if task.done()]:
                        del tasks[update_id]
                    waiting = {u["update_id"] for u in self.pending}

                    def news(waiting: set[int] = waiting) -> bool:
                        return {u["update_id"] for u in self.pending} != waiting

                    with contextlib.suppress(TimeoutError):
                        await self.wait_until(news, 0.5)
            finally:
                for task in tasks.values():
                    task.cancel()
                await asyncio.gather(*tasks.values(), return_exceptions=True)

    async def _post_update(self, http: aiohttp.ClientSession, hook: Webhook,
                           slots: asyncio.Semaphore, update: dict[str, Any]) -> None:
        headers = {"X-Telegram-Bot-Api-Secret-Token": hook.secret_token} \
            if hook.secret_token else {}
        delay = 0.5
        async with slots:
            while self.webhook is hook and update in self.pending:
                update_id = update["update_id"]
                self.deliveries[update_id] = self.deliveries.get(update_id, 0) + 1
                try:
                    async with http.post(hook.url, json=update, headers=headers,
                                         timeout=aiohttp.ClientTimeout(total=30)) as response:
                        body = await response.read()
                        if 200 <= response.status < 300:
                            self.pending = [u for u in self.pending if u is not update]
                            await self._notify()
                            await self._reply_method(body)
                            return
                        problem = f"Wrong response from the webhook: {response.status} " \
                                  f"{response.reason}"
                except (aiohttp.ClientError, TimeoutError) as error:
                    problem = f"Connection failed: {type(error).__name__}"
                hook.last_error_date, hook.last_error_message = int(time.time()), problem
                await asyncio.sleep(delay)
                delay = min(delay * 2, 8.0)

    async def _reply_method(self, body: bytes) -> None:
        """A webhook may answer with one method call; Telegram executes it, unanswered."""
        try:
            payload = json.loads(body) if body.strip() else None
        except ValueError:
            return
        if isinstance(payload, dict) and isinstance(payload.get("method"), str):
            params = {k: v if isinstance(v, str) else json.dumps(v)
                      for k, v in payload.items() if k != "method"}
            await self.call(payload["method"], params, via_webhook=True)

    # -- chats and messages ----------------------------------------------------------------

    def _new_message_id(self, chat_id: int) -> int:
        # One sequence per chat, shared by the bot's and the person's messages, as on Telegram.
        self._next_message_id[chat_id] = self._next_message_id.get(chat_id, 0) + 1
        return self._next_message_id[chat_id]

    def _keep(self, chat_id: int, shown: Shown) -> None:
        self.messages.setdefault(chat_id, {})[shown.message_id] = shown

    def _chat(self, params: dict[str, Any]) -> dict[str, Any]:
        raw = params.get("chat_id")
        try:
            chat_id = int(raw)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise BotAPIError(400, "Bad Request: chat not found") from None
        if chat_id in self.blocked:
            raise BotAPIError(403, "Forbidden: bot was blocked by the user")
        chat = self.chats.get(chat_id)
        if chat is None:
            if self.strict_chats:
                raise BotAPIError(400, "Bad Request: chat not found")
            chat = {"id": chat_id, "type": "private" if chat_id > 0 else "group"}
        return chat

    def _markup(self, params: dict[str, Any]) -> dict[str, Any] | None:
        """The reply_markup a Message shows: only an inline keyboard, checked as Telegram does."""
        markup = params.get("reply_markup")
        if not isinstance(markup, dict) or "inline_keyboard" not in markup:
            return None
        rows = markup["inline_keyboard"]
        if not isinstance(rows, list) or not all(isinstance(row, list) for row in rows):
            raise BotAPIError(400, "Bad Request: can't parse inline keyboard button: "
                                   "InlineKeyboardButton must be an Object")
        for row in rows:
            for button in row:
                if not button.get("text"):
                    raise BotAPIError(400, "Bad Request: BUTTON_TEXT_INVALID")
                data = button.get("callback_data")
                if data is not None and not 1 <= len(str(data).encode()) <= CALLBACK_DATA_LIMIT:
                    raise BotAPIError(400, "Bad Request: BUTTON_DATA_INVALID")
        rows = [row for row in rows if row]
        return {"inline_keyboard": rows} if rows else None

    def _formatted(self, params: dict[str, Any], key: str) -> tuple[str, list[dict[str, Any]]]:
        raw = params.get(key)
        source = "" if raw is None else str(raw)
        plain, entities = format_text(source, params.get("parse_mode"),
                                      params.get("entities" if key == "text"
                                                 else "caption_entities"))
        if key == "text":
            if not plain.strip():
                raise BotAPIError(400, "Bad Request: message text is empty")
            if utf16_length(plain) > TEXT_LIMIT:
                raise BotAPIError(400, "Bad Request: message is too long")
        elif utf16_length(plain) > CAPTION_LIMIT:
            raise BotAPIError(400, "Bad Request: message caption is too long")
        return plain, entities

    def _send(self, recorded: Recorded, content: dict[str, Any], source: str) -> dict[str, Any]:
        params = recorded.params
        chat = self._chat(params)
        markup = self._markup(params)
        message: dict[str, Any] = {"message_id": self._new_message_id(chat["id"]),
                                   "from": self.bot_user, "chat": chat,
                                   "date": int(time.time()), **content}
        reply = params.get("reply_parameters")
        replied_id = reply.get("message_id") if isinstance(reply, dict) else \
            params.get("reply_to_message_id")
        replied = self.messages.get(chat["id"], {}).get(int(replied_id)) if replied_id else None
        if replied is not None:
            message["reply_to_message"] = replied.message
        if markup is not None:
            message["reply_markup"] = markup
        self._keep(chat["id"], Shown(message, source, recorded.seq))
        return json.loads(json.dumps(message))

    async def _api_sendmessage(self, recorded: Recorded,
                               parts: dict[str, Upload]) -> dict[str, Any]:
        text, entities = self._formatted(recorded.params, "text")
        content: dict[str, Any] = {"text": text}
        if entities:
            content["entities"] = entities
        return self._send(recorded, content, str(recorded.params.get("text")))

    def _upload(self, recorded: Recorded, parts: dict[str, Upload], key: str,
                prefix: str) -> Upload:
        value = recorded.params.get(key)
        if isinstance(value, str) and value.startswith("attach://"):
            upload = parts.get(value.removeprefix("attach://"))
        elif key in parts:
            upload = parts[key]
        elif isinstance(value, str) and value in self.uploads:
            upload = self.uploads[value]  # sent again by file_id
        else:
            raise BotAPIError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        if upload is None:
            raise BotAPIError(400, f"Bad Request: file {value} not found in the request")
        if not upload.data:
            raise BotAPIError(400, "Bad Request: file must be non-empty")
        if not upload.file_id:
            number = next(self._file_ids)
            upload.field = key
            upload.file_id = f"{prefix}{number:06d}{secrets.token_urlsafe(24)}"
            upload.file_unique_id = f"AgAD{number:06d}{secrets.token_urlsafe(4)}"
            self.uploads[upload.file_id] = upload
        recorded.files[key] = upload
        return upload

    def _caption(self, recorded: Recorded) -> dict[str, Any]:
        if recorded.params.get("caption") is None:
            return {}
        caption, entities = self._formatted(recorded.params, "caption")
        return {"caption": caption, **({"caption_entities": entities} if entities else {})}

    async def _api_senddocument(self, recorded: Recorded,
                                parts: dict[str, Upload]) -> dict[str, Any]:
        self._chat(recorded.params)  # an unknown chat fails before the upload is looked at
        upload = self._upload(recorded, parts, "document", "BQACAgIAAxkDAAI")
        mime = mimetypes.guess_type(upload.filename)[0] or upload.content_type
        document = {"file_name": upload.filename, "mime_type": mime,
                    "file_id": upload.file_id, "file_unique_id": upload.file_unique_id,
                    "file_size": len(upload.data)}
        return self._send(recorded, {"document": document, **self._caption(recorded)},
                          str(recorded.params.get("caption") or ""))

    async def _api_sendphoto(self, recorded: Recorded,
                             parts: dict[str, Upload]) -> dict[str, Any]:
        self._chat(recorded.params)
        upload = self._upload(recorded, parts, "photo", "AgACAgIAAxkDAAI")
        size = image_size(upload.data)
        if size is None:
            raise BotAPIError(400, "Bad Request: IMAGE_PROCESS_FAILED")
        width, height = size
        longest = max(width, height)
        sizes = []
        # Telegram keeps a thumbnail and versions up to 1280 pixels on the longer side.
        for index, limit in enumerate((90, 320, 800, 1280)):
            scale = min(1.0, limit / longest)
            sizes.append({"file_id": f"{upload.file_id}{index}",
                          "file_unique_id": f"{upload.file_unique_id}{index}",
                          "width": max(1, round(width * scale)),
                          "height": max(1, round(height * scale)),
                          "file_size": max(1, round(len(upload.data) * scale * scale))})
            if limit >= longest:
                break
        return self._send(recorded, {"photo": sizes, **self._caption(recorded)},
                          str(recorded.params.get("caption") or ""))

    def _editable(self, params: dict[str, Any]) -> Shown:
        chat = self._chat(params)
        try:
            message_id = int(params.get("message_id"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise BotAPIError(400, "Bad Request: message identifier is not specified") from None
        shown = self.messages.get(chat["id"], {}).get(message_id)
        if shown is None or shown.deleted:
            raise BotAPIError(400, "Bad Request: message to edit not found")
        if not shown.from_bot:
            raise BotAPIError(400, "Bad Request: message can't be edited")
        return shown

    def _edited(self, recorded: Recorded, shown: Shown, changes: dict[str, Any],
                markup: dict[str, Any] | None, source: str | None) -> dict[str, Any]:
        before = {key: shown.message.get(key) for key in changes}
        if before == changes and shown.message.get("reply_markup") == markup:
            raise BotAPIError(400, NOT_MODIFIED)
        for key, value in changes.items():
            if value:
                shown.message[key] = value
            else:
                shown.message.pop(key, None)
        if markup is None:
            shown.message.pop("reply_markup", None)
        else:
            shown.message["reply_markup"] = markup
        shown.message["edit_date"] = int(time.time())
        shown.changed = recorded.seq
        if source is not None:
            shown.source = source
        return json.loads(json.dumps(shown.message))

    async def _api_editmessagetext(self, recorded: Recorded,
                                   parts: dict[str, Upload]) -> dict[str, Any] | bool:
        if "inline_message_id" in recorded.params:
            return True
        shown = self._editable(recorded.params)
        if "text" not in shown.message:
            raise BotAPIError(400, "Bad Request: there is no text in the message to edit")
        text, entities = self._formatted(recorded.params, "text")
        # Without reply_markup the inline keyboard goes, as on Telegram.
        return self._edited(recorded, shown, {"text": text, "entities": entities or None},
                            self._markup(recorded.params), str(recorded.params.get("text")))

    async def _api_editmessagecaption(self, recorded: Recorded,
                                      parts: dict[str, Upload]) -> dict[str, Any] | bool:
        if "inline_message_id" in recorded.params:
            return True
        shown = self._editable(recorded.params)
        if "text" in shown.message:
            raise BotAPIError(400, "Bad Request: there is no caption in the message to edit")
        caption = self._caption(recorded)
        return self._edited(recorded, shown,
                            {"caption": caption.get("caption"),
                             "caption_entities": caption.get("caption_entities")},
                            self._markup(recorded.params),
                            str(recorded.params.get("caption") or ""))

    async def _api_editmessagereplymarkup(self, recorded: Recorded,
                                          parts: dict[str, Upload]) -> dict[str, Any] | bool:
        if "inline_message_id" in recorded.params:
            return True
        shown = self._editable(recorded.params)
        return self._edited(recorded, shown, {}, self._markup(recorded.params), None)

    async def _api_deletemessage(self, recorded: Recorded, parts: dict[str, Upload]) -> bool:
        chat = self._chat(recorded.params)
        shown = self.messages.get(chat["id"], {}).get(int(recorded.params.get("message_id", 0)))
        if shown is None or shown.deleted:
            raise BotAPIError(400, "Bad Request: message to delete not found")
        shown.deleted, shown.changed = True, recorded.seq
        return True

    async def _api_deletemessages(self, recorded: Recorded, parts: dict[str, Upload]) -> bool:
        chat = self._chat(recorded.params)
        for message_id in recorded.params.get("message_ids") or []:
            shown = self.messages.get(chat["id"], {}).get(int(message_id))
            if shown is not None:
                shown.deleted, shown.changed = True, recorded.seq
        return True

    async def _api_answercallbackquery(self, recorded: Recorded,
                                       parts: dict[str, Upload]) -> bool:
        query = self.queries.get(str(recorded.params.get("callback_query_id")))
        if query is None or query.answer is not None:
            raise BotAPIError(400, QUERY_INVALID)
        if self.callback_query_ttl is not None and \
                time.monotonic() - query.pushed_at > self.callback_query_ttl:
            raise BotAPIError(400, QUERY_INVALID)
        text = recorded.params.get("text")
        if text is not None and len(str(text)) > 200:
            raise BotAPIError(400, "Bad Request: MESSAGE_TOO_LONG")
        query.answer = recorded
        return True

    # -- commands --------------------------------------------------------------------------

    @staticmethod
    def _command_key(params: dict[str, Any]) -> tuple[str, str]:
        scope = params.get("scope") or {"type": "default"}
        return json.dumps(scope, sort_keys=True), str(params.get("language_code") or "")

    async def _api_setmycommands(self, recorded: Recorded, parts: dict[str, Upload]) -> bool:
        commands = recorded.params.get("commands")
        if not isinstance(commands, list) or len(commands) > 100:
            raise BotAPIError(400, "Bad Request: commands must be an array of BotCommand")
        for command in commands:
            if not re.fullmatch(r"[a-z0-9_]{1,32}", str(command.get("command", ""))):
                raise BotAPIError(400, "Bad Request: BOT_COMMAND_INVALID")
            if not 1 <= len(str(command.get("description", ""))) <= 256:
                raise BotAPIError(400, "Bad Request: BOT_COMMAND_DESCRIPTION_INVALID")
        if "scope" in recorded.params and recorded.params["scope"].get("chat_id") is not None:
            self._chat(recorded.params["scope"])
        self.commands[self._command_key(recorded.params)] = commands
        return True

    async def _api_getmycommands(self, recorded: Recorded,
                                 parts: dict[str, Upload]) -> list[dict[str, Any]]:
        return self.commands.get(self._command_key(recorded.params), [])

    async def _api_deletemycommands(self, recorded: Recorded, parts: dict[str, Upload]) -> bool:
        self.commands.pop(self._command_key(recorded.params), None)
        return True
