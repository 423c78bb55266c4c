"""Replies decided before the update commits and sent after it (bot/unit_of_work.py): a view
that writes (the person's state, a join) returns what it will say instead of saying it, so the
handler can commit once and then speak."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterable
from functools import partial
from typing import Any

from aiogram.types import Message
from sqlalchemy.ext.asyncio import AsyncSession

Reply = Callable[[], Awaitable[Any]]


def say(message: Message, text: str, **kwargs: Any) -> Reply:
    return partial(message.answer, text, **kwargs)


async def commit_then(session: AsyncSession, replies: Iterable[Reply]) -> None:
    """The update's one commit, then everything it has to say, in order."""
    await session.commit()
    for reply in replies:
        await reply()
