"""Small things the tables share."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from domain.messengers import Messenger, messenger_of, to_max
from services.export.table import NO_NAME


@dataclass
class PairSpan:
    """What a person's row needs of one of their pairs."""

    status: str
    started_on: date | None
    end: date | None
    partner_names: list[str]


def person_name(full_name: str | None) -> str:
    return full_name or NO_NAME


def contact_link(username: str | None, address: int) -> str:
    """How to reach the person in their messenger. A link rather than «@name»: a cell starting
    with @ would need the formula guard. MAX links a user by id (max://user/<id>, as its
    messages' mentions do)."""
    if messenger_of(address) is Messenger.MAX:
        return f"max://user/{to_max(address)}"
    return f"https://t.me/{username}" if username else f"tg://user?id={address}"


def as_number(value: Any) -> int | float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return value
