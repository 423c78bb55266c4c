"""MAX numbers each message in its chat (`seq`: it grows with time, as Telegram's message ids
grow in a chat) and names it by a string (`mid`) for edits and deletions. The handlers know a
message by its `seq`, so the order in which a person's answer and a question reached the chat
is read as in Telegram (handlers.answering), and no number has to be made up. The `mid` behind
each message the bot sent is remembered, and kept in the database so that a message sent before
a restart can still be edited. That write comes after the reply, in its own transaction, never
in its way: on SQLite the update that sends may still hold the database's one writer."""

from __future__ import annotations

import asyncio
import logging
from collections import OrderedDict

from sqlalchemy import select
from sqlalchemy.ext.asyncio import async_sessionmaker

from models.db import insert_unless_present
from models.max_channel import MaxMessage

log = logging.getLogger(__name__)
REMEMBERED = 20_000
SAVE_ATTEMPTS = 5
SAVE_PAUSE_SECONDS = 1.0
Key = tuple[int, int]  # the chat's address, the message's seq


class MessageIds:
    def __init__(self, sessionmaker: async_sessionmaker, remembered: int = REMEMBERED) -> None:
        self.sessionmaker = sessionmaker
        self.remembered = remembered
        self._mids: OrderedDict[Key, str] = OrderedDict()
        self._unsaved: list[tuple[int, int, str]] = []
        self._saving: asyncio.Task | None = None

    def remember(self, chat: int, seq: int, mid: str, *, keep: bool = False) -> None:
        """The `mid` of message `seq` in `chat`; with `keep`, also stored (soon, not now)."""
        self._mids[(chat, seq)] = mid
        self._mids.move_to_end((chat, seq))
        if len(self._mids) > self.remembered:
            self._mids.popitem(last=False)
        if keep:
            self._unsaved.append((chat, seq, mid))
            if self._saving is None or self._saving.done():
                self._saving = asyncio.get_running_loop().create_task(self._save())

    async def mid(self, chat: int, seq: int) -> str | None:
        """The MAX id of a message, or None for one the bot never sent or saw."""
        if (known := self._mids.get((chat, seq))) is not None:
            return known
        async with self.sessionmaker() as session:
            return await session.scalar(select(MaxMessage.mid).where(
                MaxMessage.chat_id == chat, MaxMessage.seq == seq))

    async def _save(self) -> None:
        attempts = 0
        while self._unsaved:
            rows, self._unsaved = self._unsaved, []
            try:
                async with self.sessionmaker.begin() as session:
                    await session.execute(insert_unless_present(
                        session, MaxMessage, ("chat_id", "seq")), [
                        {"chat_id": chat, "seq": seq, "mid": mid} for chat, seq, mid in rows])
                attempts = 0
            except Exception as error:
                attempts += 1
                if attempts >= SAVE_ATTEMPTS:
                    # Only an edit of these after a restart is lost: it is sent anew instead.
                    log.warning("MAX message ids not kept (%s); %d dropped", error, len(rows))
                    attempts = 0
                    continue
                self._unsaved[:0] = rows
                await asyncio.sleep(SAVE_PAUSE_SECONDS)

    async def close(self) -> None:
        """Store what is still unsaved (on stopping)."""
        if self._saving is not None and not self._saving.done():
            await self._saving

