"""The demo's chats outlive a restart, as a messenger's do: what people see (chats, messages
after edits, reply keyboards, groups and their members, files the bot sent) and who the people
are is written beside the demo's database while it changes and when the demo stops, and read
back when it starts. The bot's own state is in its database already."""

from __future__ import annotations

import asyncio
import base64
import contextlib
import json
import logging
import time
from pathlib import Path
from typing import Any

from bot.demo.people import Hint, People, Person
from bot.demo.telegram_api import LocalBotAPI
from bot.demo.telegram_shapes import Shown, Upload

log = logging.getLogger(__name__)
SAVE_SECONDS = 10.0  # at most this much of what people saw is lost to a crash


def snapshot(api: LocalBotAPI, people: People) -> dict[str, Any]:
    return {
        "next_update_id": api.next_update_id(),
        "chats": list(api.chats.values()),
        "members": {str(chat): {str(user): status for user, status in members.items()}
                    for chat, members in api.members.items()},
        "messages": {str(chat): [{"message": shown.message, "source": shown.source,
                                  "deleted": shown.deleted} for shown in shown_in.values()]
                     for chat, shown_in in api.messages.items()},
        "reply_keyboards": {str(chat): markup for chat, markup in api.reply_keyboards.items()},
        "uploads": [{"field": u.field, "filename": u.filename, "content_type": u.content_type,
                     "file_id": u.file_id, "file_unique_id": u.file_unique_id,
                     "data": base64.b64encode(u.data).decode()} for u in api.uploads.values()],
        "people": [{"user": person.user, "hint": person.hint}
                   for person in people.everyone.values()],
        "groups": people.groups,
        "language": people.language,
    }


def restore(saved: dict[str, Any], api: LocalBotAPI, people: People) -> None:
    people.everyone.clear()
    for entry in saved["people"]:
        person = Person(entry["user"], Hint(entry["hint"]) if entry["hint"] else None)
        people.everyone[person.id] = person
        api.users[person.id] = person.user
    people.groups[:] = saved["groups"]
    people.language = saved["language"]
    people.renumber()
    for chat in saved["chats"]:
        api.chats[chat["id"]] = chat
    for chat, members in saved["members"].items():
        api.members[int(chat)] = {int(user): status for user, status in members.items()}
    for chat, shown_in in saved["messages"].items():
        for entry in shown_in:
            api.keep_shown(int(chat), Shown(entry["message"], entry["source"], 0,
                                            entry["deleted"]))
    for chat, markup in saved["reply_keyboards"].items():
        api.reply_keyboards[int(chat)] = markup
    for entry in saved["uploads"]:
        upload = Upload(entry["field"], entry["filename"], base64.b64decode(entry["data"]),
                        entry["content_type"], entry["file_id"], entry["file_unique_id"])
        api.uploads[upload.file_id] = upload
    api.renumber_groups()


def first_update_id(saved: dict[str, Any] | None) -> int:
    """Above every id handed out before, even if the saved chats were lost: the bot drops an
    update whose id it has handled (bot.middlewares.OncePerUpdate)."""
    return max(int(time.time() * 1000), int((saved or {}).get("next_update_id", 1)))


def read(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        log.warning("demo: %s is unreadable; the chats start empty", path)
        return None


def write(path: Path, api: LocalBotAPI, people: People) -> None:
    partial = path.with_suffix(".partial")
    partial.write_text(json.dumps(snapshot(api, people), ensure_ascii=False), encoding="utf-8")
    partial.replace(path)  # whole or not at all


async def keep(path: Path, api: LocalBotAPI, people: People) -> None:
    """Write the chats whenever they changed, until cancelled; then once more."""
    written = api.version
    try:
        while True:
            await asyncio.sleep(SAVE_SECONDS)
            if api.version != written:
                written = api.version
                write(path, api, people)
    finally:
        with contextlib.suppress(OSError):
            write(path, api, people)
