"""FSM storage in the bot's own database: conversation state survives restarts without Redis."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Mapping
from contextlib import asynccontextmanager
from typing import Any

from aiogram.fsm.state import State
from aiogram.fsm.storage.base import (
    BaseEventIsolation,
    BaseStorage,
    DefaultKeyBuilder,
    StateType,
    StorageKey,
)
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker

from models import FsmRecord


class DatabaseStorage(BaseStorage):
    """Keeps one row per chat and user; a row with neither state nor data is deleted."""

    def __init__(self, engine: AsyncEngine) -> None:
        """`engine`: the storage's own, which it disposes of when closed."""
        self.engine = engine
        self.sessionmaker = async_sessionmaker(engine, expire_on_commit=False)
        self.key_builder = DefaultKeyBuilder(with_destiny=True)

    async def _write(self, key: StorageKey, **values: Any) -> None:
        record_key = self.key_builder.build(key)
        async with self.sessionmaker() as session:
            record = await session.get(FsmRecord, record_key)
            if record is None:
                record = FsmRecord(key=record_key)
            for name, value in values.items():
                setattr(record, name, value)
            if record.state is None and not record.data:
                if record in session:
                    await session.delete(record)
            else:
                session.add(record)
            await session.commit()

    async def _read(self, key: StorageKey) -> FsmRecord | None:
        async with self.sessionmaker() as session:
            return await session.get(FsmRecord, self.key_builder.build(key))

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        await self._write(key, state=state.state if isinstance(state, State) else state)

    async def get_state(self, key: StorageKey) -> str | None:
        record = await self._read(key)
        return record.state if record else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        await self._write(key, data=dict(data) or None)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        record = await self._read(key)
        return dict(record.data) if record and record.data else {}

    async def close(self) -> None:
        await self.engine.dispose()


class PersonLocks(BaseEventIsolation):
    """One person's updates one after another, in this process. Unlike aiogram's
    SimpleEventIsolation, a lock nobody holds or waits for is dropped, so a region's worth of
    people who wrote once do not stay in memory."""

    def __init__(self) -> None:
        self._locks: dict[StorageKey, tuple[asyncio.Lock, int]] = {}

    @asynccontextmanager
    async def lock(self, key: StorageKey) -> AsyncIterator[None]:
        lock, users = self._locks.get(key, (None, 0))
        if lock is None:
            lock = asyncio.Lock()
        self._locks[key] = (lock, users + 1)
        try:
            async with lock:
                yield
        finally:
            lock, users = self._locks[key]
            if users == 1:
                del self._locks[key]
            else:
                self._locks[key] = (lock, users - 1)

    @property
    def held(self) -> int:
        """Locks in memory now (one per person being served). Not __len__: aiogram takes a
        falsy isolation for none at all."""
        return len(self._locks)

    async def close(self) -> None:
        self._locks.clear()
