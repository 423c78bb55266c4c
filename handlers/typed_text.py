"""The one check for a text a conversation asks for (a meeting's place, a plan's goal, a
broadcast, a reason): a text, not a command, at most so many characters. A state's handler is
registered with the filter, which hands it the text stripped; the same state's second handler
tells the person what was wrong, in that conversation's words."""

from __future__ import annotations

from typing import Any

from aiogram import Router
from aiogram.filters import Filter
from aiogram.fsm.state import State
from aiogram.types import Message
from aiogram_i18n import I18nContext


class TypedText(Filter):
    """Text, not a command, at most `limit` characters once stripped: given as `text`."""

    def __init__(self, limit: int) -> None:
        self.limit = limit

    async def __call__(self, message: Message) -> bool | dict[str, Any]:
        text = (message.text or "").strip()
        if not text or text.startswith("/") or len(text) > self.limit:
            return False
        return {"text": text}


def explain(limit: int, hint: str, too_long: str):
    """What a message TypedText refused gets: over the limit, the limit and its length (the
    person sees how much to cut); anything else, the conversation's hint (given the limit)."""

    async def refused(message: Message, i18n: I18nContext) -> None:
        text = (message.text or "").strip()
        if text and not text.startswith("/"):
            await message.answer(i18n.get(too_long, limit=limit, length=len(text)))
        else:
            await message.answer(i18n.get(hint, limit=limit))

    return refused


def ask_text(router: Router, handler, state: State, limit: int, *, hint: str = "error-not-text",
             too_long: str = "error-too-long") -> None:
    """Register `handler` for the text `state` asks for, and the answer to anything else."""
    router.message.register(handler, state, TypedText(limit))
    router.message.register(explain(limit, hint, too_long), state)
