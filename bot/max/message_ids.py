"""MAX names a message by a string (`mid.…`); the handlers, built on Telegram's shape, by a
number within its chat. Each MAX message the bot sees or sends gets a number, kept in the
database so that an edit still finds its message after a restart."""

from __future__ import annotations

from collections import OrderedDict

from sqlalchemy import insert, select
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import async_sessionmaker

from models.max_channel import MaxMessage

REMEMBERED = 20_000


class MessageIds:
    def __init__(self, sessionmaker: async_sessionmaker, remembered: int = REMEMBERED) -> None:
        self.sessionmaker = sessionmaker
        self.remembered = remembered
        self._numbers: OrderedDict[str, int] = OrderedDict()
        self._mids: OrderedDict[int, str] = OrderedDict()

    def _remember(self, mid: str, number: int) -> None:
        for cache, key, value in ((self._numbers, mid, number), (self._mids, number, mid)):
            cache[key] = value
            cache.move_to_end(key)
            if len(cache) > self.remembered:
                cache.popitem(last=False)

    async def number(self, mid: str) -> int:
        """The number of a MAX message, given one the first time it is seen."""
        if (known := self._numbers.get(mid)) is not None:
            return known
        # Its own short transaction: the message exists whatever the update goes on to do.
        async with self.sessionmaker.begin() as session:
            dialect = session.bind.dialect.name
            if dialect in ("sqlite", "postgresql"):
                maker = sqlite_insert if dialect == "sqlite" else postgresql_insert
                await session.execute(maker(MaxMessage).values(mid=mid)
                                      .on_conflict_do_nothing(index_elements=["mid"]))
            elif await session.scalar(select(MaxMessage.id).where(MaxMessage.mid == mid)) is None:
                await session.execute(insert(MaxMessage).values(mid=mid))
            number = await session.scalar(select(MaxMessage.id).where(MaxMessage.mid == mid))
        self._remember(mid, number)
        return number

    async def mid(self, number: int) -> str | None:
        """The MAX id of a message the bot numbered, or None for a number it never gave."""
        if (known := self._mids.get(number)) is not None:
            return known
        async with self.sessionmaker() as session:
            mid = await session.scalar(select(MaxMessage.mid).where(MaxMessage.id == number))
        if mid is not None:
            self._remember(mid, number)
        return mid
