"""Messages in the MAX stand-in (tests/max_standin.py): what people see (`Shown`), sending,
editing and deleting them (POST/PUT/DELETE /messages, GET /messages[/{mid}]), answering button
presses (POST /answers) and the two-step uploads (POST /uploads, then the file to its URL)."""

from __future__ import annotations

import copy
import itertools
import secrets
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from aiohttp import web

from tests.max_chats import Chat, dialog_id
from tests.max_rules import (
    TEXT_LIMIT,
    MaxError,
    bad_request,
    check_keyboard,
    int_query,
    json_object,
    parse_text,
)

if TYPE_CHECKING:
    from tests.max_standin import Recorded

UPLOAD_TYPES = ("image", "video", "audio", "file")


def now_ms() -> int:
    return int(time.time() * 1000)


@dataclass
class Upload:
    """A file the bot uploaded: what /uploads was asked for, and the file's name and bytes."""

    id: int
    kind: str  # image, video, audio or file
    token: str
    filename: str = ""
    data: bytes = b""
    content_type: str = ""
    uploaded: bool = False
    not_ready_left: int = 0  # sends still answered attachment.not.ready
    # The Authorization header the file came with: an upload host is not MAX's API, and the
    # bot's token has no business there.
    authorization: str | None = None


@dataclass
class Shown:
    """A message as people see it now: the MAX Message object after every edit."""

    message: dict[str, Any]
    source: str  # the text as the bot sent it (before HTML parsing)
    changed: int  # `seq` of the request that sent or last edited it
    deleted: bool = False
    uploads: list[Upload] = field(default_factory=list)

    @property
    def mid(self) -> str:
        return self.message["body"]["mid"]

    message_id = mid  # the name tests/e2e_people.py uses

    @property
    def chat_id(self) -> int:
        return self.message["recipient"]["chat_id"]

    @property
    def text(self) -> str:
        return self.message["body"].get("text") or ""

    @property
    def markup(self) -> list[dict[str, Any]]:
        return self.message["body"].get("markup") or []

    @property
    def from_bot(self) -> bool:
        return bool(self.message["sender"].get("is_bot"))

    def attachments(self) -> list[dict[str, Any]]:
        return self.message["body"].get("attachments") or []

    def keyboard(self) -> list[dict[str, Any]]:
        """The inline keyboard's buttons as MAX shows them, row by row."""
        return [button for attachment in self.attachments()
                if attachment.get("type") == "inline_keyboard"
                for row in attachment["payload"]["buttons"] for button in row]

    def buttons(self) -> list[tuple[str, str | None]]:
        """(label, payload, or url for a link, else None) of each button, row by row."""
        return [(button["text"], button.get("payload") or button.get("url"))
                for button in self.keyboard()]


@dataclass
class Callback:
    """A button press the stand-in pushed, and the bot's answer to it."""

    callback_id: str
    user_id: int
    mid: str
    payload: str
    pushed_seq: int
    answer: Recorded | None = None
    notification: str | None = None


class MessagesMixin:
    """The message half of MaxStandIn; the attributes below are its."""

    base_url: str
    bot_user_id: int
    strict_html: bool
    answer_once: bool
    edit_quirk: bool
    not_ready_times: int
    users: dict[int, dict[str, Any]]
    chats: dict[int, Chat]
    messages: dict[str, Shown]
    chat_messages: dict[int, list[str]]
    callbacks: dict[str, Callback]
    uploads: dict[str, Upload]
    upload_slots: dict[int, Upload]
    stripped_tags: list[str]
    _ids: itertools.count
    _last_seq: int

    if TYPE_CHECKING:
        def bot_user(self) -> dict[str, Any]: ...
        def chat(self, user_or_chat_id: int) -> list[Shown]: ...
        def _target(self, query: dict[str, str]) -> Chat: ...
        def _check_open(self, chat: Chat) -> None: ...
        def _chat_or_404(self, chat_id: int) -> Chat: ...
        def _next_seq(self) -> int: ...

    # -- messages ----------------------------------------------------------------------------

    def _new_mid(self) -> str:
        return "mid." + secrets.token_hex(16)

    def _keep(self, shown: Shown) -> None:
        self.messages[shown.mid] = shown
        self.chat_messages.setdefault(shown.chat_id, []).append(shown.mid)

    def _chat_mids(self, user_or_chat_id: int) -> list[str]:
        if user_or_chat_id in self.users and user_or_chat_id not in self.chats:
            user_or_chat_id = dialog_id(user_or_chat_id)
        return self.chat_messages.get(user_or_chat_id, [])

    def _content(self, body: Any, old: Shown | None) -> tuple[dict[str, Any], str, list[Upload]]:
        """The new message body (without mid and seq), its source text and its uploads, from a
        NewMessageBody; when editing, an absent text or null attachments keep the old ones."""
        body = json_object(body)
        text, attachments = body.get("text"), body.get("attachments")
        content: dict[str, Any] = {}
        if text is None and old is not None:
            source = old.source
            content.update({k: v for k, v in old.message["body"].items()
                            if k in ("text", "markup")})
        else:
            if text is not None and not isinstance(text, str):
                raise bad_request("text must be a string")
            source = text or ""
            if len(source) > TEXT_LIMIT:
                raise bad_request(f"text: size must be between 0 and {TEXT_LIMIT}")
            plain, markup, stripped = parse_text(source, body.get("format"), self.strict_html)
            self.stripped_tags += stripped
            content["text"] = plain
            if markup:
                content["markup"] = markup
        uploads: list[Upload] = []
        if attachments is None and old is not None:
            kept = old.message["body"].get("attachments")
            uploads = list(old.uploads)
        elif attachments is None:
            kept = None
        elif not isinstance(attachments, list):
            raise bad_request("attachments must be an array")
        else:
            kept = [self._attachment(a, uploads) for a in attachments]
            if sum(1 for a in kept if a["type"] == "inline_keyboard") > 1:
                raise bad_request("Only one inline_keyboard per message")
        if kept:
            content["attachments"] = kept
        if not content.get("text") and not kept:
            raise bad_request("Message text or attachments are required")
        fresh = [u for u in uploads if u not in (old.uploads if old else [])]
        waiting = [u for u in fresh if u.not_ready_left > 0]
        for upload in waiting:
            upload.not_ready_left -= 1
        if waiting:
            raise MaxError(400, "attachment.not.ready",
                           "Key: errors.process.attachment.file.not.processed")
        return content, source, uploads

    def _attachment(self, attachment: Any, uploads: list[Upload]) -> dict[str, Any]:
        kind = attachment.get("type") if isinstance(attachment, dict) else None
        payload = attachment.get("payload") if isinstance(attachment, dict) else None
        if kind == "inline_keyboard":
            return {"type": kind, "payload": {"buttons": copy.deepcopy(check_keyboard(payload))}}
        if kind in UPLOAD_TYPES:
            payload = json_object(payload)
            if kind == "image" and payload.get("url") and not payload.get("token"):
                return {"type": "image", "payload": {"photo_id": next(self._ids),
                                                      "url": payload["url"], "token": ""}}
            token = payload.get("token")
            if kind == "image" and not token and isinstance(payload.get("photos"), dict):
                token = next((p.get("token") for p in payload["photos"].values()), None)
            upload = self.uploads.get(token) if isinstance(token, str) else None
            if upload is None or not upload.uploaded:
                raise bad_request(f"Invalid {kind} attachment token")
            uploads.append(upload)
            stored: dict[str, Any] = {"type": kind, "payload": {
                "url": f"{self.base_url}/download/{upload.id}", "token": upload.token}}
            if kind == "image":
                stored["payload"]["photo_id"] = upload.id
            if kind == "file":
                stored.update(filename=upload.filename, size=len(upload.data))
            return stored
        if kind in ("sticker", "contact", "location", "share"):
            return copy.deepcopy(attachment)
        raise bad_request(f"Unknown attachment type {kind!r}")

    def _link(self, body: Any) -> dict[str, Any] | None:
        link = json_object(body).get("link")
        if link is None:
            return None
        linked = self.messages.get(link.get("mid")) if isinstance(link, dict) else None
        if linked is None or linked.deleted or link.get("type") not in ("reply", "forward"):
            raise bad_request("link: unknown message or type")
        result = {"type": link["type"], "sender": linked.message["sender"],
                  "message": copy.deepcopy(linked.message["body"])}
        if link["type"] == "forward":
            result["chat_id"] = linked.chat_id
        return result

    async def _send(self, recorded: Recorded, request: web.Request) -> dict[str, Any]:
        chat = self._target(recorded.query)
        content, source, uploads = self._content(recorded.body, None)
        link = self._link(recorded.body)
        recipient: dict[str, Any] = {"chat_id": chat.chat_id, "chat_type": chat.type}
        if chat.dialog_user is not None:
            recipient["user_id"] = chat.dialog_user["user_id"]
        message: dict[str, Any] = {
            "sender": self.bot_user(), "recipient": recipient, "timestamp": now_ms(),
            "body": {"mid": self._new_mid(), "seq": self._next_seq(), **content}}
        if link is not None:
            message["link"] = link
        self._keep(Shown(message, source, recorded.seq, uploads=uploads))
        return {"message": copy.deepcopy(message)}

    def _own(self, mid: str | None, action: str) -> Shown:
        shown = self.messages.get(mid or "")
        if shown is None or shown.deleted:
            raise MaxError(404, "not.found", f"Message {mid} not found")
        chat = self.chats.get(shown.chat_id)
        if chat is not None:
            self._check_open(chat)
        if shown.message["sender"]["user_id"] != self.bot_user_id and not (
                action == "delete" and chat is not None and chat.bot_admin):
            raise MaxError(403, "access.denied", f"You can {action} only your own messages")
        return shown

    def _apply(self, shown: Shown, body: Any, recorded: Recorded) -> None:
        content, source, uploads = self._content(body, shown)
        keep = {"mid": shown.mid, "seq": shown.message["body"]["seq"]}
        shown.message["body"] = {**keep, **content}
        shown.source, shown.uploads, shown.changed = source, uploads, recorded.seq

    async def _edit(self, recorded: Recorded, request: web.Request) -> dict[str, Any]:
        shown = self._own(recorded.query.get("message_id"), "edit")
        if self.edit_quirk:
            self.edit_quirk = False
            return {"success": False, "message": "Failed to edit message"}
        self._apply(shown, recorded.body, recorded)
        return {"success": True}

    async def _delete(self, recorded: Recorded, request: web.Request) -> dict[str, Any]:
        shown = self._own(recorded.query.get("message_id"), "delete")
        shown.deleted, shown.changed = True, recorded.seq
        return {"success": True}

    async def _get_message(self, recorded: Recorded, request: web.Request,
                           mid: str) -> dict[str, Any]:
        shown = self.messages.get(mid)
        if shown is None or shown.deleted:
            raise MaxError(404, "not.found", f"Message {mid} not found")
        return copy.deepcopy(shown.message)

    async def _list(self, recorded: Recorded, request: web.Request) -> dict[str, Any]:
        query = recorded.query
        count = int_query(query, "count", 50, 1, 100)
        if query.get("message_ids"):
            found = [self.messages.get(mid) for mid in query["message_ids"].split(",")]
            shown = [s for s in found if s is not None and not s.deleted]
        elif query.get("chat_id"):
            chat = self._chat_or_404(int_query(query, "chat_id", 0, None, None))
            shown = self.chat(chat.chat_id)[::-1][:count]
        else:
            raise bad_request("chat_id or message_ids is required")
        return {"messages": [copy.deepcopy(s.message) for s in shown]}

    async def _answer(self, recorded: Recorded, request: web.Request) -> dict[str, Any]:
        callback = self.callbacks.get(recorded.query.get("callback_id", ""))
        if callback is None or (self.answer_once and callback.answer is not None):
            raise MaxError(400, "callback.not.found", "Callback not found or already answered")
        body = json_object(recorded.body)
        notification, message = body.get("notification"), body.get("message")
        if notification is None and message is None:
            raise bad_request("`message` or `notification` required")
        if notification is not None and not isinstance(notification, str):
            raise bad_request("notification must be a string")
        if message is not None:
            self._apply(self._own(callback.mid, "edit"), message, recorded)
        callback.answer, callback.notification = recorded, notification
        return {"success": True}

    # -- uploads -----------------------------------------------------------------------------

    async def _new_upload(self, recorded: Recorded, request: web.Request) -> dict[str, Any]:
        kind = recorded.query.get("type")
        if kind not in UPLOAD_TYPES:
            raise bad_request(f"type must be one of {', '.join(UPLOAD_TYPES)}")
        upload = Upload(next(self._ids), kind, secrets.token_urlsafe(32),
                        not_ready_left=self.not_ready_times)
        self.upload_slots[upload.id] = upload
        answer = {"url": f"{self.base_url}/upload/{upload.id}"}
        if kind in ("video", "audio"):
            answer["token"] = upload.token
        return answer

    async def _receive_upload(self, recorded: Recorded, request: web.Request,
                              number: str) -> Any:
        upload = self.upload_slots.get(int(number))
        if upload is None or upload.uploaded:
            raise MaxError(404, "not.found", "Upload URL not found or already used")
        if request.content_type == "multipart/form-data":
            part = (await request.post()).get("data")
            if not isinstance(part, web.FileField):
                raise bad_request("multipart field `data` with a file is required")
            upload.filename, upload.data = part.filename or "data", part.file.read()
            upload.content_type = part.content_type or "application/octet-stream"
        else:  # a resumable upload in one piece
            upload.filename, upload.data = "data", await request.read()
            upload.content_type = request.content_type
        if not upload.data:
            raise bad_request("Empty file")
        upload.uploaded = True
        upload.authorization = request.headers.get("Authorization")
        self.uploads[upload.token] = upload
        recorded.body = {"filename": upload.filename, "size": len(upload.data)}
        if upload.kind == "image":
            return {"photos": {secrets.token_hex(8): {"token": upload.token}}}
        if upload.kind == "file":
            return {"token": upload.token}
        recorded.response = "<retval>1</retval>"
        return web.Response(text=recorded.response, content_type="application/xml")

    async def _download(self, recorded: Recorded, request: web.Request,
                        number: str) -> web.Response:
        upload = self.upload_slots.get(int(number))
        if upload is None or not upload.uploaded:
            raise MaxError(404, "not.found", "File not found")
        return web.Response(body=upload.data, content_type=upload.content_type)
