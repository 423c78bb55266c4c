"""What MAX's Bot API accepts, for the stand-in (tests/max_standin.py): its error answers, the
HTML it parses into `markup`, and the limits on texts, keyboards and commands.

Sources: the official OpenAPI schema (/tmp/max_schema.json, "Text formatting" and the
NewMessageBody, Button and BotCommand schemas) and dev.max.ru's keyboard page, as collected in
the project's MAX notes.
"""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any, ClassVar

# NewMessageBody.text: maxLength 4000 (schema). Counted on the text as sent, markup included.
TEXT_LIMIT = 4000
# Button.text: minLength 1, maxLength 128; CallbackButton/ClipboardButton.payload: maxLength 1024;
# LinkButton.url: maxLength 2048 (schema).
BUTTON_TEXT_LIMIT = 128
BUTTON_PAYLOAD_LIMIT = 1024
BUTTON_URL_LIMIT = 2048
# dev.max.ru, «Клавиатура для чат-бота»: at most 210 buttons in at most 30 rows, 7 buttons a row,
# and only 3 a row when they are link, open_app, request_geo_location or request_contact.
KEYBOARD_ROWS = 30
KEYBOARD_ROW_WIDTH = 7
KEYBOARD_WIDE_ROW_WIDTH = 3
KEYBOARD_BUTTONS = 210
WIDE_BUTTONS = frozenset({"link", "open_app", "request_geo_location", "request_contact"})
BUTTON_TYPES = frozenset({"callback", "link", "message", "request_contact",
                          "request_geo_location", "open_app", "clipboard"})
# BotPatch.commands: maxItems 32; BotCommand.name 1-64, description 1-128 (schema).
COMMANDS_LIMIT = 32
COMMAND_NAME_LIMIT = 64
COMMAND_DESCRIPTION_LIMIT = 128
# BotStartedUpdate.payload: maxLength 512 (schema); dev.max.ru's deep-link page says 128.
START_PAYLOAD_LIMIT = 512


class MaxError(Exception):
    """An error answer: {"code": ..., "message": ...} with an HTTP status."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{status} {code}: {message}")
        self.status, self.code, self.message = status, code, message

    def body(self) -> dict[str, Any]:
        return {"code": self.code, "message": self.message}


def bad_request(message: str) -> MaxError:
    return MaxError(400, "proto.payload", message)


def utf16_length(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


class _HtmlMarkup(HTMLParser):
    """format=html: the plain text and MAX's `markup` elements (offsets in UTF-16 units)."""

    TAGS: ClassVar[dict[str, str]] = {
        "b": "strong", "strong": "strong", "i": "emphasized", "em": "emphasized",
        "u": "underline", "ins": "underline", "s": "strikethrough", "del": "strikethrough",
        "code": "monospaced", "pre": "monospaced", "a": "link", "mark": "highlighted",
        "h1": "heading", "blockquote": "quote"}

    def __init__(self, source: str, strict: bool) -> None:
        super().__init__(convert_charrefs=True)
        self.source, self.strict = source, strict
        self.parts: list[str] = []
        self.length = 0
        self.open: list[tuple[str, dict[str, Any] | None]] = []
        self.markup: list[dict[str, Any]] = []
        self.stripped: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "br":  # a void tag: a line break wherever it is accepted at all
            self._unknown(tag)
            return
        if tag not in self.TAGS:
            self._unknown(tag)
            self.open.append((tag, None))
            return
        element: dict[str, Any] | None = {"type": self.TAGS[tag], "from": self.length}
        if tag == "a":
            href = dict(attrs).get("href")
            if not href:
                raise bad_request("Invalid html: <a> without href")
            element["url"] = href  # type: ignore[index]
        if element["type"] == "monospaced" and any(  # type: ignore[index]
                e is not None and e["type"] == "monospaced" for _, e in self.open):
            element = None  # <pre><code>: one monospaced element
        self.open.append((tag, element))

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag != "br":
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag == "br":
            return
        if not self.open or self.open[-1][0] != tag:
            expected = f"</{self.open[-1][0]}>" if self.open else "no end tag"
            raise bad_request(f"Invalid html: expected {expected}, found </{tag}>")
        _, element = self.open.pop()
        if element is not None:
            element["length"] = self.length - element["from"]
            if element["length"] > 0:
                self.markup.append(element)

    def handle_data(self, data: str) -> None:
        self.parts.append(data)
        self.length += utf16_length(data)

    def _unknown(self, tag: str) -> None:
        if self.strict:
            raise bad_request(f"Invalid html: unsupported tag <{tag}>")
        self.stripped.append(tag)

    def result(self) -> tuple[str, list[dict[str, Any]], list[str]]:
        self.feed(self.source)
        self.close()
        if self.open:
            raise bad_request(f"Invalid html: <{self.open[-1][0]}> is not closed")
        self.markup.sort(key=lambda e: (e["from"], -e["length"]))
        return "".join(self.parts), self.markup, self.stripped


def parse_text(text: str, text_format: str | None,
               strict_html: bool = True) -> tuple[str, list[dict[str, Any]], list[str]]:
    """The plain text, its markup and the HTML tags stripped from it. MAX's docs say tags
    beyond its list are stripped; with `strict_html` they are refused instead, so that a bot
    sending Telegram-only markup notices. Markdown is not parsed (the text is kept as sent)."""
    if text_format == "html":
        return _HtmlMarkup(text, strict_html).result()
    if text_format not in (None, "markdown"):
        raise bad_request(f"Invalid format: {text_format!r}")
    return text, [], []


def check_keyboard(payload: Any) -> list[list[dict[str, Any]]]:
    """An inline_keyboard attachment's buttons, or MAX's 400."""
    rows = payload.get("buttons") if isinstance(payload, dict) else None
    if not isinstance(rows, list) or not rows or not all(isinstance(r, list) for r in rows):
        raise bad_request("inline_keyboard: payload.buttons must be a non-empty array of rows")
    if len(rows) > KEYBOARD_ROWS:
        raise bad_request(f"inline_keyboard: more than {KEYBOARD_ROWS} rows")
    if sum(len(row) for row in rows) > KEYBOARD_BUTTONS:
        raise bad_request(f"inline_keyboard: more than {KEYBOARD_BUTTONS} buttons")
    for row in rows:
        if not row:
            raise bad_request("inline_keyboard: empty row")
        wide = any(isinstance(b, dict) and b.get("type") in WIDE_BUTTONS for b in row)
        width = KEYBOARD_WIDE_ROW_WIDTH if wide else KEYBOARD_ROW_WIDTH
        if len(row) > width:
            raise bad_request(f"inline_keyboard: more than {width} buttons in a row")
        for button in row:
            _check_button(button)
    return rows


def _check_button(button: Any) -> None:
    if not isinstance(button, dict) or button.get("type") not in BUTTON_TYPES:
        kind = button.get("type") if isinstance(button, dict) else button
        raise bad_request(f"inline_keyboard: unknown button type {kind!r}")
    text = button.get("text")
    if not isinstance(text, str) or not 1 <= len(text) <= BUTTON_TEXT_LIMIT:
        raise bad_request(f"button.text must be 1-{BUTTON_TEXT_LIMIT} characters")
    kind = button["type"]
    if kind in ("callback", "clipboard"):
        payload = button.get("payload")
        if not isinstance(payload, str) or len(payload) > BUTTON_PAYLOAD_LIMIT:
            raise bad_request(f"button.payload is required, at most {BUTTON_PAYLOAD_LIMIT} "
                              "characters")
    if kind == "link":
        url = button.get("url")
        if not isinstance(url, str) or not url or len(url) > BUTTON_URL_LIMIT:
            raise bad_request(f"button.url is required, at most {BUTTON_URL_LIMIT} characters")
    if kind == "open_app" and not (button.get("web_app") or button.get("contact_id")):
        raise bad_request("open_app button needs web_app or contact_id")


def check_commands(commands: Any) -> list[dict[str, Any]]:
    if not isinstance(commands, list) or len(commands) > COMMANDS_LIMIT:
        raise bad_request(f"commands must be an array of at most {COMMANDS_LIMIT}")
    for command in commands:
        name = command.get("name") if isinstance(command, dict) else None
        if not isinstance(name, str) or not 1 <= len(name) <= COMMAND_NAME_LIMIT:
            raise bad_request(f"command.name must be 1-{COMMAND_NAME_LIMIT} characters")
        description = command.get("description")
        if description is not None and not (
                isinstance(description, str)
                and 1 <= len(description) <= COMMAND_DESCRIPTION_LIMIT):
            raise bad_request(f"command.description must be 1-{COMMAND_DESCRIPTION_LIMIT} "
                              "characters")
    return commands


def json_object(body: Any) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise bad_request("A JSON object is required in the request body")
    return body


def int_query(query: dict[str, str], name: str, default: int, low: int | None,
               high: int | None) -> int:
    raw = query.get(name)
    if raw in (None, ""):
        return default
    try:
        value = int(raw)
    except ValueError:
        raise bad_request(f"{name} must be an integer") from None
    if (low is not None and value < low) or (high is not None and value > high):
        raise bad_request(f"{name} is out of range")
    return value
