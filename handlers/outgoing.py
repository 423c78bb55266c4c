"""Messages a handler owes somebody other than the person it is answering: they go into the
outbox and through the rate-limited delivery path, rendered in the recipient's language.

Parameters are data, not HTML: names and typed texts go in as people wrote them and are escaped
when the message is rendered (bot/html.py); whose data a message carries is said with `about`.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from aiogram_i18n import I18nContext
from sqlalchemy import event as orm_event
from sqlalchemy.ext.asyncio import AsyncSession

from bot.html import render_value
from bot.outbox_worker import OutboxWorker
from domain.messengers import Messenger, messenger_of
from models import User
from services import outbox
from services.clock import Clock
from services.pairs import title as pair_title
from services.people import full_name

__all__ = ["button", "contact", "full_name", "localized", "owe", "pair_title", "shown"]


def button(key: str, data: str, **params: Any) -> dict[str, Any]:
    return {"label": {"key": key, "params": params}, "data": data}


def localized(key: str, **params: Any) -> dict[str, Any]:
    """A parameter that is itself a locale message, rendered in the recipient's language."""
    return {"key": key, "params": params}


def shown(i18n: I18nContext, value: Any) -> Any:
    """A parameter value as above, rendered for the person being answered."""
    return render_value(i18n.core, i18n.locale, value)


def contact(user: User, reader: User) -> dict[str, Any]:
    """How `reader` can reach `user`: their @username, else a link that opens their chat. A
    person in the other messenger is named with it: their @username there may belong to a
    stranger here, and a link from one messenger into the other does not open."""
    theirs = messenger_of(user.telegram_id)
    if theirs is not messenger_of(reader.telegram_id):
        if user.username:
            return localized(f"contact-{theirs}-username", username=user.username)
        return localized(f"contact-{theirs}", name=full_name(user))
    if user.username:
        return localized("contact-username", username=user.username)
    if theirs is Messenger.MAX:  # MAX has no link to a person by id
        return localized("contact-max", name=full_name(user))
    return localized("contact-link", id=str(user.telegram_id), name=full_name(user))


async def owe(session: AsyncSession, clock: Clock, worker: OutboxWorker, recipient: User | None,
              key: str, *, params: dict[str, Any] | None = None,
              buttons: list[list[dict[str, Any]]] | None = None, chat_id: int | None = None,
              is_group: bool = False, kind: str = "notice", about: Iterable[int] = ()) -> None:
    """`about`: the people whose name, contact or words are in `params`."""
    await outbox.schedule(
        session, kind=kind, chat_id=chat_id if chat_id is not None else recipient.telegram_id,
        user_id=recipient.id if recipient is not None else None, text_key=key, params=params,
        buttons=buttons, due_at=clock.now(), is_group=is_group, about=about)
    # The worker looks once the row is committed: before, it would find nothing.
    kick_after_commit(session, worker)


def kick_after_commit(session: AsyncSession, worker: OutboxWorker) -> None:
    if not session.info.get("kick_after_commit"):
        session.info["kick_after_commit"] = True

        def kick(_session: Any) -> None:
            session.info.pop("kick_after_commit", None)
            worker.kick()

        orm_event.listen(session.sync_session, "after_commit", kick, once=True)
