"""A local Telegram Bot API server: the demo's messenger (bot.demo) and the Telegram the
end-to-end tests run `python -m bot` against.

It serves `/bot<token>/<method>` on 127.0.0.1 and answers the methods the bot uses with the JSON
Telegram returns, errors included:

- getUpdates long-polls like Telegram: it returns every update whose update_id >= the offset,
  and an update is forgotten only when a later call confirms it with a higher offset, so a bot
  killed before confirming gets it again. A second concurrent getUpdates ends the first one with
  409 Conflict, and so does getUpdates while a webhook is set. setWebhook makes the server POST
  the pending updates to the URL (with X-Telegram-Bot-Api-Secret-Token), retrying until the
  webhook answers 2xx; a method in the webhook's reply is executed. Unlike Telegram, plain http
  to any port is accepted (bot.demo.telegram_updates).
- Sent and edited messages come back as Message objects: text parsed from parse_mode=HTML into
  plain text and entities (URLs, commands, mentions and hashtags are detected too), only inline
  keyboards echoed; a reply keyboard becomes the chat's (`reply_keyboards`) until removed.
  Telegram's 400s: unparsable HTML, empty or too long text, callback_data over 64 bytes, "message
  is not modified", "message to edit/delete not found", a callback query answered twice (or,
  with `callback_query_ttl`, too late), an unknown chat; 403 for a person in `blocked`; 401 for
  another token when `token` is set; 404 for an unknown method.
- sendDocument and sendPhoto arrive as multipart/form-data (`attach://` parts or a direct file
  part) or with a file_id sent before; the upload is kept (`Upload`: file name, bytes) and the
  answer carries a `document` or `photo` object.
- Groups have members (`add_group`, `add_member`), which getChatMember answers for.

With `record` (the tests), every request and update is kept (`requests`, `updates`); the demo,
which runs for hours, keeps only the chats. The chats are kept as people see them (`messages`):
each message's latest text and buttons after edits, so a person can find a button by its label
(tests/e2e_people.py, the demo's page).
"""
from __future__ import annotations

import asyncio
import itertools
import json
import re
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

from bot.demo.local_server import LocalServer
from bot.demo.telegram_chats import Chats
from bot.demo.telegram_messages import Messages
from bot.demo.telegram_shapes import (
    BotAPIError,
    CallbackQuery,
    Recorded,
    Shown,
    Upload,
    Webhook,
    decode_params,
    utf16_length,
)
from bot.demo.telegram_updates import Updates

# Methods that change nothing people see.
READS = frozenset({"getupdates", "getme", "getchatmember", "getmycommands", "getwebhookinfo",
                   "getchat", "getfile"})
# Button presses remembered without `record`; Telegram too forgets a press after some seconds.
KEEP_QUERIES = 1000


@dataclass
class LocalBotAPI(Messages, Chats, Updates, LocalServer):
    max_poll_wait: float = 1.0
    # When set, any other token is refused with 401 Unauthorized.
    token: str | None = None
    # Seconds after which answerCallbackQuery is refused (Telegram: some seconds); None: never.
    callback_query_ttl: float | None = None
    # Writing to a chat nobody opened is 400 "chat not found", as on Telegram.
    strict_chats: bool = True
    # Seconds a method's answer is held back (a slow Telegram), by lower-case method name.
    slow: dict[str, float] = field(default_factory=dict)
    # Update ids go on from here: a bot that handled ids before (a restarted demo) would take
    # lower ones for updates it already handled and drop them.
    first_update_id: int = 1
    # The time messages are dated with (the demo's moves with its clock).
    now: Callable[[], float] = time.time
    bot_name: str = "Stand-in bot"
    bot_username: str = "standin_bot"
    # Keep every request and update (tests read them); the demo keeps only the chats.
    record: bool = True
    requests: list[Recorded] = field(default_factory=list)
    # Every update ever pushed, confirmed or not.
    updates: list[dict[str, Any]] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._update_ids = itertools.count(self.first_update_id)
        self.last_update_id = self.first_update_id - 1
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
        # The reply keyboard each chat shows under its input, until the bot removes it.
        self.reply_keyboards: dict[int, dict[str, Any]] = {}
        # A group's members by user id: "creator", "member" (the bot too, once added), "left".
        self.members: dict[int, dict[int, str]] = {}
        self._group_ids = itertools.count(4_000_000_001)
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
        self.last_update_id = max(self.last_update_id, update["update_id"])
        self.changes += 1
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
            while not self.record and len(self.queries) > KEEP_QUERIES:
                del self.queries[next(iter(self.queries))]  # the oldest: long since answered
        if self.record:
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
                   "date": int(self.now()), "text": text, **extra}
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
        self._bot(token)
        recorded = await self.call(method, raw, parts)
        if recorded.error is not None:
            return web.json_response(recorded.error.body(), status=recorded.error.code)
        body: dict[str, Any] = {"ok": True, "result": recorded.result}
        if method.lower() == "setwebhook":
            body["description"] = "Webhook was set"
        elif method.lower() == "deletewebhook":
            body["description"] = "Webhook was deleted"
        return web.json_response(body)

    def _bot(self, token: str = "") -> dict[str, Any]:
        """The bot, as the first token it is called with numbers it (Telegram's token begins
        with the bot's id)."""
        if not self.bot_user:
            bot_id = token.split(":", 1)[0]
            self.bot_user = {"id": int(bot_id) if bot_id.isdigit() else 1, "is_bot": True,
                             "first_name": self.bot_name, "username": self.bot_username}
        return self.bot_user

    async def call(self, method: str, raw: dict[str, Any],
                   parts: dict[str, Upload] | None = None, *,
                   via_webhook: bool = False) -> Recorded:
        """Execute one Bot API method and record it; errors are recorded, not raised."""
        self.seq += 1
        recorded = Recorded(method, decode_params(raw), seq=self.seq, at=time.monotonic(),
                            via_webhook=via_webhook)
        if self.record:
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
        else:
            if method.lower() not in READS:
                self.changes += 1
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

    # -- chats and messages ----------------------------------------------------------------

    def _new_message_id(self, chat_id: int) -> int:
        # One sequence per chat, shared by the bot's and the person's messages, as on Telegram.
        self._next_message_id[chat_id] = self._next_message_id.get(chat_id, 0) + 1
        return self._next_message_id[chat_id]

    def keep_shown(self, chat_id: int, shown: Shown) -> None:
        """A message people saw before (the demo's chats read back after a restart)."""
        self._keep(chat_id, shown)
        self._next_message_id[chat_id] = max(self._next_message_id.get(chat_id, 0),
                                             shown.message_id)

    def next_update_id(self) -> int:
        return self.last_update_id + 1

    def renumber_groups(self) -> None:
        """New groups after those known (read back after a restart)."""
        lowest = min((chat for chat in self.chats if chat < 0), default=0)
        self._group_ids = itertools.count(max(-lowest + 1, 4_000_000_001))

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
