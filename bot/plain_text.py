"""Plain text out of the bot's HTML, and a language's messages as plain text built without
aiogram.

`plain` is what a person sees of an HTML text (bot/html.py keeps the rule for HTML itself).
`PlainLabels` builds a language's messages where the bot's i18n context cannot go: a process
of its own that makes part of an export (services.export.part). It builds them with
fluent.runtime itself, as aiogram-i18n's core does for the bot (every .ftl file of the
language's folder, no isolation marks; our messages call no functions), escapes the parameters
as HtmlFluentCore does, and returns the plain text of the result: the same text as
`plain(core.get(...))` (tests/test_html.py compares every message). Importing aiogram would
cost that process some three seconds before its first row.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fluent.runtime import FluentBundle, FluentResource, resolver
from markupsafe import escape

# fluent.runtime refuses a placeable longer than 2,500 characters, a guard against translations
# that expand without end. Our messages are our own files; what fills their placeables is
# people's text within our input limits, escaped, and a curator's 3,000-character announcement
# of «&» is 15,000 once escaped. Long output is split into messages by Telegram's own limit
# (bot.html.split), not cut here. Set where every bundle of the bot is built from.
resolver.MAX_PART_LENGTH = 1_000_000

HTML_TOKENS = re.compile(r"<[^<>]*>|&(?:[a-zA-Z]+|#\d+|#x[0-9a-fA-F]+);|[^<&]+|[<&]")
HTML_TAG = re.compile(r"<(/?)([a-zA-Z][a-zA-Z0-9-]*)[^<>]*?(/?)>")


def escaped(params: dict[str, Any]) -> dict[str, Any]:
    """A message's parameters as they go into its HTML: text escaped unless already Markup
    (markupsafe's escape leaves Markup as it is), numbers and dates as they are. The one rule
    for HtmlFluentCore and PlainLabels alike."""
    return {name: escape(value) if isinstance(value, str) else value
            for name, value in params.items()}


def plain(text: str) -> str:
    """What a person sees of an HTML text: tags dropped, entities decoded."""
    if "<" not in text and "&" not in text:
        return text
    parts = []
    for token in HTML_TOKENS.findall(text):
        if HTML_TAG.fullmatch(token):
            continue
        parts.append(html.unescape(token) if token.startswith("&") else token)
    return "".join(parts)


@dataclass(frozen=True)
class PlainLabels:
    """Picklable: `path` is the locales' folder pattern (…/locales/{locale}). Call it once to
    build the messages, then call what it returns with a key and the message's parameters."""

    path: str
    locale: str

    def __call__(self) -> Callable[..., str]:
        bundle = FluentBundle([self.locale], use_isolating=False)
        folder = Path(self.path.replace("{locale}", self.locale))
        for file in sorted(folder.glob("*.ftl")):
            bundle.add_resource(FluentResource(file.read_text(encoding="utf8")))

        def label(key: str, **params: Any) -> str:
            message = bundle.get_message(key)  # KeyError for an unknown key, as the core
            if message.value is None:
                raise KeyError(key)
            text, errors = bundle.format_pattern(message.value, escaped(params))
            if errors:
                raise ValueError(f"{key}: {errors}")
            return plain(text)

        return label
