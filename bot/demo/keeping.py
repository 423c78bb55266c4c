"""The demo's chats outlive a restart, as a messenger's do: what people see (chats, messages
after edits, reply keyboards, groups and their members, files the bot sent), who the people
are, and what they sent that the bot has not taken yet, are written beside the demo's database
while they change and when the demo stops, and read back when it starts. The bot's own state is
in its database already."""

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
FORMAT = 1
SAVE_SECONDS = 10.0  # at most this much of what people saw is lost to a crash


def snapshot(api: LocalBotAPI, people: People) -> str:
    return json.dumps({
        "format": FORMAT,
        "next_update_id": api.next_update_id(),
        "pending": [{k: v for k, v in update.items() if k != "update_id"}
                    for update in api.pending],
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
    }, ensure_ascii=False)


def restore(saved: dict[str, Any], api: LocalBotAPI, people: People) -> None:
    """Everything is read before anything is changed: a file that does not fit (another
    version, edited by hand) leaves the demo as new, and says so."""
    try:
        if saved.get("format") != FORMAT:
            raise ValueError(f"format {saved.get('format')!r}")
        everyone = {int(entry["user"]["id"]): Person(entry["user"], Hint(entry["hint"])
                                                     if entry["hint"] else None)
                    for entry in saved["people"]}
        chats = {int(chat["id"]): chat for chat in saved["chats"]}
        members = {int(chat): {int(user): str(status) for user, status in shown.items()}
                   for chat, shown in saved["members"].items()}
        messages = [(int(chat), Shown(entry["message"], str(entry["source"]), 0,
                                      bool(entry["deleted"])))
                    for chat, shown_in in saved["messages"].items() for entry in shown_in]
        keyboards = {int(chat): markup for chat, markup in saved["reply_keyboards"].items()}
        uploads = [Upload(entry["field"], entry["filename"], base64.b64decode(entry["data"]),
                          entry["content_type"], entry["file_id"], entry["file_unique_id"])
                   for entry in saved["uploads"]]
        groups, language = [int(group) for group in saved["groups"]], str(saved["language"])
        pending = list(saved.get("pending", []))
        if not all(isinstance(message.message_id, int) for _, message in messages):
            raise ValueError("a message without its id")
    except (KeyError, TypeError, ValueError, AttributeError) as error:
        log.warning("demo: the saved chats do not fit (%s); the chats start empty", error)
        return
    people.everyone = everyone
    api.users.update({person.id: person.user for person in everyone.values()})
    people.groups[:], people.language = groups, language
    people.renumber()
    api.chats.update(chats)
    api.members.update(members)
    for chat, shown in messages:
        api.keep_shown(chat, shown)
    api.reply_keyboards.update(keyboards)
    api.uploads.update({upload.file_id: upload for upload in uploads})
    api.renumber_groups()
    for update in pending:  # sent before the stop; the bot gets them now, as from Telegram
        api.push_update(update)


def first_update_id(saved: dict[str, Any] | None) -> int:
    """Above every id handed out before, even if the saved chats were lost: the bot drops an
    update whose id it has handled (bot.middlewares.OncePerUpdate)."""
    try:
        kept = int((saved or {}).get("next_update_id", 1))
    except (TypeError, ValueError):
        kept = 1
    return max(int(time.time() * 1000), kept)


def read(path: Path) -> dict[str, Any] | None:
    if not path.exists():
        return None
    try:
        saved = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, OSError) as error:
        log.warning("demo: %s is unreadable (%s); the chats start empty", path, error)
        return None
    return saved if isinstance(saved, dict) else None


def write_whole(path: Path, text: str) -> None:
    partial = path.with_suffix(".partial")
    partial.write_text(text, encoding="utf-8")
    partial.replace(path)  # whole or not at all


async def keep(path: Path, api: LocalBotAPI, people: People) -> None:
    """Write the chats whenever people saw something change, until cancelled. The snapshot is
    taken on the loop (nothing changes under it) and written in a thread."""
    written = api.changes
    while True:
        await asyncio.sleep(SAVE_SECONDS)
        if api.changes == written:
            continue
        written = api.changes
        try:
            await asyncio.to_thread(write_whole, path, snapshot(api, people))
        except OSError as error:
            log.warning("demo: cannot keep the chats in %s: %s", path, error)


def keep_now(path: Path, api: LocalBotAPI, people: People) -> None:
    """The last write, once the bot and the page have stopped."""
    with contextlib.suppress(OSError):
        write_whole(path, snapshot(api, people))
