"""Telegram's rules for what a bot sends, checked on every request the tests' mocked session
receives, so every test that makes the bot talk is also a check of its output.

- Texts and captions are Telegram HTML: only the tags Telegram knows, balanced, and every `<`
  and `&` that is not part of a tag or of an entity escaped. (Telegram itself refuses a stray
  `<b`; a stray `&` or a well-formed tag that came from a person's name it may accept, which is
  exactly how a name becomes a live link, so the check is stricter than Telegram.)
- A text has 1–4,096 characters after the markup is parsed, a caption at most 1,024.
- An inline keyboard has at most 100 buttons, each with a label and 1–64 bytes of callback data.
- Button labels and callback alerts are plain text (Telegram shows them as typed): no escaped
  entities in them, and an alert has at most 200 characters.
"""

from __future__ import annotations

import re
from typing import Any

from aiogram.client.default import Default
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageCaption,
    EditMessageReplyMarkup,
    EditMessageText,
    SendDocument,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.types import InlineKeyboardMarkup

from bot.demo.telegram_shapes import BotAPIError, _HtmlText, utf16_length

TEXT_LIMIT = 4096
CAPTION_LIMIT = 1024
ALERT_LIMIT = 200
CALLBACK_DATA_LIMIT = 64
BUTTON_LIMIT = 100
TAG = re.compile(r"</?(?:b|strong|i|em|u|ins|s|strike|del|tg-spoiler|span|code|pre|a|blockquote"
                 r"|tg-emoji)(?:\s[^<>]*)?/?>")
ENTITY = re.compile(r"&(?:lt|gt|amp|quot|#\d{1,7}|#x[0-9a-fA-F]{1,6});")
# Escaped text in a label or an alert is HTML that reached a place Telegram does not parse.
# (Tags are not looked for: a person may well type "<b>" into their name.)
MARKUP_IN_PLAIN = re.compile(r"&(?:lt|gt|amp|quot|#\d+|#x[0-9a-fA-F]+);")


def _html(source: str, limit: int, what: str) -> list[str]:
    problems = []
    for match in re.finditer("[<&]", source):
        pattern = TAG if match.group() == "<" else ENTITY
        if not pattern.match(source, match.start()):
            around = source[max(0, match.start() - 20):match.start() + 20]
            problems.append(f"{what}: unescaped {match.group()!r} in …{around!r}…")
    try:
        plain, _ = _HtmlText(source).result()
    except BotAPIError as refusal:
        return [*problems, f"{what}: {refusal.description}"]
    length = utf16_length(plain)
    if what == "text" and length == 0:
        problems.append("text: empty after parsing")
    if length > limit:
        problems.append(f"{what}: {length} characters after parsing, the limit is {limit}")
    return problems


def _markup(markup: Any) -> list[str]:
    if not isinstance(markup, InlineKeyboardMarkup):
        return []
    problems = []
    buttons = [button for row in markup.inline_keyboard for button in row]
    if len(buttons) > BUTTON_LIMIT:
        problems.append(f"keyboard: {len(buttons)} buttons, the limit is {BUTTON_LIMIT}")
    for button in buttons:
        if not button.text.strip():
            problems.append("button: empty label")
        if MARKUP_IN_PLAIN.search(button.text):
            problems.append(f"button: markup shown as typed in {button.text!r}")
        data = button.callback_data
        if data is not None and not 1 <= len(data.encode()) <= CALLBACK_DATA_LIMIT:
            problems.append(f"button: callback data of {len(data.encode())} bytes: {data!r}")
    return problems


def _parsed_as_html(method: TelegramMethod) -> bool:
    mode = getattr(method, "parse_mode", None)
    # The bot's default parse mode is HTML; an explicit None sends plain text.
    return isinstance(mode, Default) or (isinstance(mode, str) and mode.upper() == "HTML")


def violations(method: TelegramMethod) -> list[str]:
    """What Telegram (or a person reading it) would object to in this request."""
    problems: list[str] = []
    if isinstance(method, SendMessage | EditMessageText):
        if _parsed_as_html(method):
            problems += _html(method.text, TEXT_LIMIT, "text")
        elif not 1 <= utf16_length(method.text) <= TEXT_LIMIT:
            problems.append(f"text: {utf16_length(method.text)} characters")
    if isinstance(method, SendPhoto | SendDocument | EditMessageCaption) and method.caption:
        if _parsed_as_html(method):
            problems += _html(method.caption, CAPTION_LIMIT, "caption")
        elif utf16_length(method.caption) > CAPTION_LIMIT:
            problems.append(f"caption: {utf16_length(method.caption)} characters")
    if isinstance(method, SendMessage | EditMessageText | EditMessageReplyMarkup | SendPhoto
                  | SendDocument | EditMessageCaption):
        problems += _markup(method.reply_markup)
    if isinstance(method, AnswerCallbackQuery) and method.text:
        if len(method.text) > ALERT_LIMIT:
            problems.append(f"alert: {len(method.text)} characters, the limit is {ALERT_LIMIT}")
        if MARKUP_IN_PLAIN.search(method.text):
            problems.append(f"alert: markup shown as typed in {method.text!r}")
    return problems
