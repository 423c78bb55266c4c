"""MAX's events as the Telegram-shaped updates the Dispatcher handles.

Only what the bot acts on is translated; anything else (a message edited or removed, a dialog
muted, a channel post) is None and is confirmed without being handled:
- message_created: a message, in a private chat (MAX's dialog) or a group;
- message_callback: a button press (callback_query) on the message it was under;
- bot_started: `/start <payload>`, which is how MAX hands over a deep link's payload;
- bot_added, bot_removed, bot_stopped: the bot's own membership (my_chat_member);
- user_added, user_removed: a group's members (a message with new/left members).

A message keeps MAX's `seq` as its message_id (bot.max.message_ids); an event that is not a
message in MAX (a Start, a member added) is numbered by its time the way MAX's `seq` is.

Each update gets a stable update_id from what identifies it in MAX (a message's mid, a press's
callback_id), past 2**62 so that it never meets one of Telegram's: the same event delivered
twice is handled once (bot.middlewares.OncePerUpdate).
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from domain.messengers import from_max

MAX_UPDATE_IDS = 1 << 62
# What the press's callback_query id starts with, so that its answer is sent to MAX.
CALLBACK_PREFIX = "max:"
# Remembers the mid behind a message's number in a chat: (chat, seq, mid).
Remember = Callable[[int, int, str], None]


def update_id(*parts: object) -> int:
    digest = hashlib.blake2b("\x1f".join(map(str, parts)).encode(), digest_size=8).digest()
    return MAX_UPDATE_IDS | (int.from_bytes(digest, "big") & (MAX_UPDATE_IDS - 1))


def language(locale: str | None) -> str | None:
    return locale.split("-")[0].lower() if locale else None


def first_name(user: dict[str, Any], unnamed: str = "—") -> str:
    # `name` is MAX's older field, still sent beside `first_name`.
    return user.get("first_name") or user.get("name") or unnamed


def person(user: dict[str, Any], locale: str | None = None) -> dict[str, Any]:
    """A MAX user as Telegram's User object."""
    shaped = {"id": from_max(int(user["user_id"])), "is_bot": bool(user.get("is_bot")),
              "first_name": first_name(user)}
    if user.get("last_name"):
        shaped["last_name"] = user["last_name"]
    if user.get("username"):
        shaped["username"] = user["username"]
    if locale := language(locale):
        shaped["language_code"] = locale
    return shaped


def group(chat_id: int, title: str | None = None) -> dict[str, Any]:
    # A group is negative in Telegram's shape and in MAX; from_max keeps the sign.
    return {"id": from_max(-abs(int(chat_id))), "type": "group", "title": title or "MAX"}


def private(user: dict[str, Any]) -> dict[str, Any]:
    shaped = {"id": from_max(int(user["user_id"])), "type": "private",
              "first_name": first_name(user)}
    if user.get("username"):
        shaped["username"] = user["username"]
    return shaped


def seconds(timestamp: int | None) -> int:
    """MAX counts Unix time in milliseconds, Telegram in seconds."""
    return int(timestamp or 0) // 1000


def seq_at(timestamp: int | None) -> int:
    """A number in a chat's `seq` order for an event at `timestamp` (ms): MAX's seq is its
    message's time in milliseconds times 65,536, and then some."""
    return int(timestamp or 0) << 16


def number(message: dict[str, Any]) -> int:
    """The number the handlers know a MAX message by: its `seq` in its chat."""
    return int((message.get("body") or {}).get("seq") or seq_at(message.get("timestamp")))


def command_entities(text: str) -> list[dict[str, Any]]:
    if not text.startswith("/"):
        return []
    word = text.split(maxsplit=1)[0]
    return [{"type": "bot_command", "offset": 0, "length": len(word.encode("utf-16-le")) // 2}]


class UpdateTranslator:
    """Turns MAX's update JSON into Telegram's update JSON, remembering the mid behind each
    message's number as it goes."""

    def __init__(self, remember: Remember, bot_user_id: int) -> None:
        self.remember = remember
        self.bot_user_id = bot_user_id

    def translate(self, update: dict[str, Any]) -> dict[str, Any] | None:
        kind = update.get("update_type")
        handler = getattr(self, f"_{kind}", None)
        if handler is None:
            return None
        return handler(update)

    def message(self, message: dict[str, Any], locale: str | None = None,
                      dialog_with: dict[str, Any] | None = None) -> dict[str, Any] | None:
        """A MAX message as Telegram's Message object (None for a channel post)."""
        recipient = message.get("recipient") or {}
        body = message.get("body") or {}
        sender = message.get("sender")
        if recipient.get("chat_type") == "channel" or (sender is None and dialog_with is None):
            return None
        if recipient.get("chat_type") in ("chat", "group"):
            chat = group(recipient["chat_id"])
        elif sender is None or sender.get("user_id") == self.bot_user_id:
            # The bot's own message in a dialog: the chat is the person it was sent to.
            with_user = recipient.get("user_id") or (dialog_with or {}).get("user_id")
            if with_user is None:
                return None
            chat = private({"user_id": with_user})
        else:
            chat = private(sender)
        self.remember(chat["id"], number(message), body["mid"])
        shaped: dict[str, Any] = {
            "message_id": number(message),
            "date": seconds(message.get("timestamp")),
            "chat": chat,
        }
        if sender is not None:
            shaped["from"] = person(sender, locale)
        if body.get("text"):
            shaped["text"] = body["text"]
            if entities := command_entities(body["text"]):
                shaped["entities"] = entities
        if contact := _contact(body.get("attachments") or ()):
            shaped["contact"] = contact
        return shaped

    def _message_created(self, update: dict[str, Any]) -> dict[str, Any] | None:
        if not update.get("message"):
            return None  # MAX sometimes sends one without its message: nothing to handle
        message = self.message(update["message"], update.get("user_locale"))
        if message is None or "from" not in message:
            return None
        return {"update_id": update_id("message", update["message"]["body"]["mid"]),
                "message": message}

    def _message_callback(self, update: dict[str, Any]) -> dict[str, Any] | None:
        callback = update["callback"]
        query: dict[str, Any] = {
            "id": CALLBACK_PREFIX + callback["callback_id"],
            "from": person(callback["user"], update.get("user_locale")),
            "chat_instance": "max",
        }
        if callback.get("payload") is not None:
            query["data"] = callback["payload"]
        if update.get("message"):
            message = self.message(update["message"], dialog_with=callback["user"])
            if message is not None:
                query["message"] = message
        # A press is named by its callback_id with its moment and presser: MAX calls the id the
        # keyboard's, and a second press of the same keyboard must not pass for a redelivery.
        return {"update_id": update_id("callback", callback["callback_id"],
                                       callback.get("timestamp"), callback["user"]["user_id"],
                                       callback.get("payload")),
                "callback_query": query}

    def _bot_started(self, update: dict[str, Any]) -> dict[str, Any]:
        user = update["user"]
        text = "/start" + (f" {update['payload']}" if update.get("payload") else "")
        key = ("started", user["user_id"], update.get("timestamp"))
        message = {
            "message_id": seq_at(update.get("timestamp")),
            "date": seconds(update.get("timestamp")),
            "chat": private(user),
            "from": person(user, update.get("user_locale")),
            "text": text,
            "entities": command_entities(text),
        }
        return {"update_id": update_id(*key), "message": message}

    def _membership(self, update: dict[str, Any], chat: dict[str, Any], before: str,
                    after: str) -> dict[str, Any]:
        me = {"id": from_max(self.bot_user_id), "is_bot": True, "first_name": "bot"}
        user = update.get("user") or {"user_id": self.bot_user_id, "is_bot": True}
        old, new = {"status": before, "user": me}, {"status": after, "user": me}
        for member in (old, new):
            if member["status"] == "kicked":
                member["until_date"] = 0  # Telegram's «for ever», which aiogram requires
        return {
            "update_id": update_id(update["update_type"], chat["id"], update.get("timestamp")),
            "my_chat_member": {
                "chat": chat, "from": person(user), "date": seconds(update.get("timestamp")),
                "old_chat_member": old, "new_chat_member": new,
            },
        }

    def _bot_added(self, update: dict[str, Any]) -> dict[str, Any] | None:
        if update.get("is_channel"):
            return None
        return self._membership(update, group(update["chat_id"]), "left", "member")

    def _bot_removed(self, update: dict[str, Any]) -> dict[str, Any] | None:
        if update.get("is_channel"):
            return None
        return self._membership(update, group(update["chat_id"]), "member", "left")

    def _bot_stopped(self, update: dict[str, Any]) -> dict[str, Any]:
        return self._membership(update, private(update["user"]), "member", "kicked")

    def _members(self, update: dict[str, Any], field: str) -> dict[str, Any] | None:
        if update.get("is_channel"):
            return None
        key = (update["update_type"], update["chat_id"], update["user"]["user_id"],
               update.get("timestamp"))
        shaped = {
            "message_id": seq_at(update.get("timestamp")),
            "date": seconds(update.get("timestamp")),
            "chat": group(update["chat_id"]),
            "from": person(update["user"]),
            field: [person(update["user"])] if field == "new_chat_members"
            else person(update["user"]),
        }
        return {"update_id": update_id(*key), "message": shaped}

    def _user_added(self, update: dict[str, Any]) -> dict[str, Any] | None:
        return self._members(update, "new_chat_members")

    def _user_removed(self, update: dict[str, Any]) -> dict[str, Any] | None:
        return self._members(update, "left_chat_member")


def _contact(attachments: Any) -> dict[str, Any] | None:
    for attachment in attachments:
        if attachment.get("type") == "contact":
            payload = attachment.get("payload") or {}
            info = payload.get("max_info") or {}
            phone = _vcard_phone(payload.get("vcf_info") or "")
            if phone:
                contact = {"phone_number": phone,
                           "first_name": info.get("first_name") or "—"}
                if info.get("user_id"):
                    contact["user_id"] = from_max(int(info["user_id"]))
                return contact
    return None


def _vcard_phone(vcard: str) -> str | None:
    for line in vcard.splitlines():
        if line.upper().startswith("TEL"):
            return line.split(":", 1)[-1].strip() or None
    return None
