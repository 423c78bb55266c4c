"""Which messenger a person or a chat is in, read from the one number the bot addresses it by.

The handlers, the outbox and the database know a person by one integer: Telegram's user id for
Telegram, where a person's private chat has the same id, and a group chat's negative id. MAX's
users and chats get numbers of their own, out of Telegram's range: Telegram's ids have at most
52 significant bits (its Bot API says so), so a MAX id is moved past 2**53 keeping its sign
(a group is negative in both). No look-up is needed to tell the messenger, and nothing that
compares, stores or sorts these numbers had to change.
"""

from __future__ import annotations

from enum import StrEnum

MAX_SHIFT = 1 << 53
# The largest MAX id that still fits a signed 64-bit column once moved.
LARGEST_MAX_ID = (1 << 63) - 1 - MAX_SHIFT


class Messenger(StrEnum):
    TELEGRAM = "telegram"
    MAX = "max"


def messenger_of(address: int) -> Messenger:
    return Messenger.MAX if abs(address) >= MAX_SHIFT else Messenger.TELEGRAM


def from_max(max_id: int) -> int:
    """The address of a MAX user (positive) or group chat (negative)."""
    if max_id == 0 or abs(max_id) > LARGEST_MAX_ID:
        raise ValueError(f"not a MAX id the bot can address: {max_id}")
    return max_id + MAX_SHIFT if max_id > 0 else max_id - MAX_SHIFT


def to_max(address: int) -> int:
    """The MAX id behind an address made by `from_max`."""
    if messenger_of(address) is not Messenger.MAX:
        raise ValueError(f"not a MAX address: {address}")
    return address - MAX_SHIFT if address > 0 else address + MAX_SHIFT


def messenger_id(address: int) -> int:
    """The id the person or chat has in their own messenger."""
    return to_max(address) if messenger_of(address) is Messenger.MAX else address
