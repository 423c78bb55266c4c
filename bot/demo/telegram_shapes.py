"""Telegram's Bot API shapes, for the local Bot API server (bot.demo.telegram_api): its error
answers, the records of requests, messages as people see them, and formatted text parsed into
plain text and entities as Telegram parses it."""

from __future__ import annotations

import asyncio
import json
import re
import struct
import time
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any, ClassVar

TEXT_PARAMS = frozenset({"text", "caption", "description", "short_description", "query", "name",
                         "secret_token", "url"})
TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
CALLBACK_DATA_LIMIT = 64
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
