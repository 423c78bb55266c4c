"""Messages a handler owes somebody other than the person it is answering: they go into the
outbox and through the rate-limited delivery path, rendered in the recipient's language."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.outbox_worker import OutboxWorker
from models import User
from services import outbox
from services.clock import Clock


def button(key: str, data: str, **params: Any) -> dict[str, Any]:
    return {"label": {"key": key, "params": params}, "data": data}


def localized(key: str, **params: Any) -> dict[str, Any]:
    """A parameter that is itself a locale message, rendered in the recipient's language."""
    return {"key": key, "params": params}


async def owe(session: AsyncSession, clock: Clock, worker: OutboxWorker, recipient: User | None,
              key: str, *, params: dict[str, Any] | None = None,
              buttons: list[list[dict[str, Any]]] | None = None, chat_id: int | None = None,
              is_group: bool = False, kind: str = "notice") -> None:
    await outbox.schedule(
        session, kind=kind, chat_id=chat_id if chat_id is not None else recipient.telegram_id,
        user_id=recipient.id if recipient is not None else None, text_key=key, params=params,
        buttons=buttons, due_at=clock.now(), is_group=is_group)
    worker.kick()
