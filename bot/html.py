"""Telegram HTML: what people typed is escaped exactly once, when a message is rendered.

The rule, for the whole bot:

* Every locale message is a trusted HTML template, and every parameter given to it is escaped
  as it is rendered (`HtmlFluentCore`), unless it is already `Markup` (another rendered locale
  message, or HTML composed below). A handler, the outbox and the scheduler render through the
  same core, so a name, a meeting place or a broadcast text is escaped wherever it goes, and
  escaping twice cannot happen: `escape(Markup)` is the Markup itself.
* HTML built from pieces in Python is built as `Markup`: `Markup("{} → {}").format(a, b)` and
  `lines(...)` escape whatever is not Markup yet. No f-string puts a person's text into HTML.
* Telegram shows button labels and callback alerts as plain text: the delivery path turns
  them into plain text (`plain`), so a label can be rendered like any other message.

`visible_length` and `split` measure and cut HTML the way Telegram counts it: characters after
the markup is parsed, in UTF-16 code units.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

from aiogram_i18n.cores import FluentRuntimeCore
from markupsafe import Markup, escape

from bot.plain_text import HTML_TAG, HTML_TOKENS, escaped, plain

__all__ = ["HtmlFluentCore", "Markup", "escape", "lines", "plain", "render_value", "shorten",
           "split", "visible_length"]

ELLIPSIS = "…"


# How many rendered messages a core remembers (see HtmlFluentCore.get) before it starts over.
REMEMBERED = 4096


class HtmlFluentCore(FluentRuntimeCore):
    """Fluent messages as HTML: parameters escaped unless Markup, the result Markup.

    A message with no parameters, or with whole numbers only («Вопрос 3 из 9», a button, a
    menu), renders the same every time, so it is rendered once and remembered: Fluent's
    formatting was a tenth of an answer's rendering. Never one with a text parameter: that may
    be what a person typed, which a cache must not keep."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._rendered: dict[tuple[Any, ...], Markup] = {}
        self._remembered: dict[tuple[Any, ...], Any] = {}

    def get(self, message_id: str, locale: str | None = None, /, **kwargs: Any) -> Markup:
        locale = self.get_locale(locale)  # None: the update's, so resolved before the key
        constant = all(type(value) is int for value in kwargs.values())
        if constant:
            key = (message_id, locale, *kwargs.items())
            if (rendered := self._rendered.get(key)) is not None:
                return rendered
        rendered = Markup(super().get(message_id, locale, **escaped(kwargs)))
        if constant:
            if len(self._rendered) >= REMEMBERED:
                self._rendered.clear()
            self._rendered[key] = rendered
        return rendered

    async def shutdown(self) -> None:
        await super().shutdown()
        self._rendered.clear()
        self._remembered.clear()

    def remembered(self, key: tuple[Any, ...], make: Callable[[], Any]) -> Any:
        """What `make` builds from this core's messages alone (a menu in a language), built
        once: Telegram's objects are immutable, so one can be sent any number of times."""
        if (made := self._remembered.get(key)) is None:
            made = self._remembered[key] = make()
        return made


def render_value(core: HtmlFluentCore, locale: str, value: Any) -> Any:
    """A message parameter kept as data, rendered in a language: a plain value (what people
    typed stays raw until the core escapes it), a locale message ({"key": …, "params": …}), a
    text in both languages ({"ru": …, "en": …}) or a list of such values, comma-separated.
    The outbox stores its parameters so and renders them when it sends; handlers render the
    same values directly."""
    if isinstance(value, dict) and "key" in value:
        params = {name: render_value(core, locale, item)
                  for name, item in (value.get("params") or {}).items()}
        return core.get(value["key"], locale, **params)
    if isinstance(value, dict) and "ru" in value:
        return value.get(locale) or value["ru"]
    if isinstance(value, list):
        return lines((render_value(core, locale, item) for item in value), ", ")
    return value


def lines(parts: Iterable[Any], separator: str = "\n") -> Markup:
    """Pieces joined into HTML; those that are not Markup yet are escaped."""
    return Markup(separator).join(parts)


def _units(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def visible_length(text: str) -> int:
    """Characters Telegram counts in an HTML text (UTF-16 code units of the parsed text)."""
    return _units(plain(text))


def split(text: str, limit: int) -> list[str]:
    """HTML cut into parts of at most `limit` visible characters, each valid on its own: at a
    line break outside any tag where possible, else inside the text with the open tags closed
    and opened again in the next part."""
    if visible_length(text) <= limit:
        return [text]
    parts: list[str] = []
    current: list[str] = []
    size = 0
    stack: list[tuple[str, str]] = []  # (name, opening tag)
    # The latest place where the current part may end cleanly: (tokens kept, their size).
    clean: tuple[int, int] | None = None

    def close(tokens: list[str], open_tags: list[tuple[str, str]]) -> str:
        return "".join(tokens) + "".join(f"</{name}>" for name, _ in reversed(open_tags))

    def flush(upto: int | None = None) -> None:
        nonlocal current, size, clean
        if upto is None:
            parts.append(close(current, stack))
            current = [opening for _, opening in stack]
            size = 0
        else:
            parts.append("".join(current[:upto]))
            rest = current[upto:]
            current, size = rest, sum(_units(plain(t)) for t in rest if not HTML_TAG.fullmatch(t))
        clean = None

    for token in HTML_TOKENS.findall(text):
        tag = HTML_TAG.fullmatch(token)
        if tag:
            closing, name, self_closing = tag.groups()
            if closing:
                if stack and stack[-1][0] == name:
                    stack.pop()
            elif not self_closing:
                stack.append((name, token))
            current.append(token)
            continue
        pieces = [token] if token.startswith("&") else re.split(r"(\n)", token)
        for piece in pieces:
            if not piece:
                continue
            width = 1 if piece.startswith("&") and len(piece) > 1 else _units(piece)
            while size + width > limit:
                if clean is not None and clean[0] > 0:
                    flush(clean[0])
                    continue
                room = limit - size
                if piece.startswith("&") or room <= 0:
                    flush()
                    continue
                head, piece = _cut(piece, room)
                current.append(head)
                flush()
                width = _units(piece)
            current.append(piece)
            size += width
            if piece == "\n" and not stack:
                clean = (len(current), size)
    if current and plain("".join(current)).strip():
        parts.append(close(current, stack))
    return [part.strip("\n") for part in parts if plain(part).strip()]


def _cut(text: str, units: int) -> tuple[str, str]:
    """The longest head of `text` within `units` UTF-16 code units, and the rest."""
    head = text[:units]
    while _units(head) > units:
        head = head[:-1]
    return head, text[len(head):]


def shorten(text: str, limit: int) -> str:
    """HTML cut to `limit` visible characters with an ellipsis, tags kept balanced."""
    if visible_length(text) <= limit:
        return text
    return split(text, limit - 1)[0] + ELLIPSIS
