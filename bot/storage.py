"""FSM storage in the bot's own database: conversation state survives restarts without Redis."""

from __future__ import annotations

import asyncio
import copy
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
from sqlalchemy import event as orm_event
from sqlalchemy import inspect
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from bot.unit_of_work import current_session, outermost, session_class
from models import FsmRecord

# session.info: the FSM rows read in this session, by key (None: no row).
HELD = "fsm_records"
_UNREAD = object()


class DatabaseStorage(BaseStorage):
    """Keeps one row per chat and user; a row with neither state nor data is deleted.

    Inside an update it reads and writes through the update's own session, so the state is
    committed with the rest of the update (bot/unit_of_work.py) and no second connection is
    taken. Outside one (a test looking, a job) it uses a short transaction of its own."""

    def __init__(self, sessionmaker: async_sessionmaker) -> None:
        self.sessionmaker = sessionmaker
        self.key_builder = DefaultKeyBuilder(with_destiny=True)

        def forget(session: Session, previous_transaction: Any) -> None:
            if outermost(previous_transaction):  # rows read or written are rolled back
                session.info.pop(HELD, None)

        orm_event.listen(session_class(sessionmaker), "after_soft_rollback", forget)

    @asynccontextmanager
    async def _session(self) -> AsyncIterator[AsyncSession]:
        session = current_session.get()
        if session is not None:
            yield session
            return
        async with self.sessionmaker.begin() as own:
            yield own

    def hold(self, session: AsyncSession, record_key: str, record: FsmRecord | None) -> None:
        """Keep a row (or its absence) read for the update, so neither the state, nor the data,
        nor the write reads it again: the session's identity map holds rows weakly, and knows
        nothing of a row that is not there."""
        session.info.setdefault(HELD, {})[record_key] = record

    async def _held(self, session: AsyncSession, record_key: str) -> FsmRecord | None:
        held = session.info.setdefault(HELD, {})
        record = held.get(record_key, _UNREAD)
        if record is _UNREAD or (record is not None and inspect(record).expired):
            # Unread, or expired by a rollback: read from the database.
            record = held[record_key] = await session.get(FsmRecord, record_key)
        return record

    async def _write(self, key: StorageKey, **values: Any) -> None:
        record_key = self.key_builder.build(key)
        async with self._session() as session:
            record = await self._held(session, record_key)
            if record is None:
                record = FsmRecord(key=record_key)
            for name, value in values.items():
                # Only a change: a row set to what it holds is dirty all the same, and the
                # commit's flush would then walk the unit of work to write nothing.
                if getattr(record, name) != value:
                    setattr(record, name, value)
            if record.state is None and not record.data:
                if record in session:
                    await session.delete(record)
                self.hold(session, record_key, None)
            else:
                session.add(record)
                self.hold(session, record_key, record)

    async def _read(self, key: StorageKey) -> FsmRecord | None:
        async with self._session() as session:
            return await self._held(session, self.key_builder.build(key))

    async def set_state(self, key: StorageKey, state: StateType = None) -> None:
        await self._write(key, state=state.state if isinstance(state, State) else state)

    async def get_state(self, key: StorageKey) -> str | None:
        record = await self._read(key)
        return record.state if record else None

    async def set_data(self, key: StorageKey, data: Mapping[str, Any]) -> None:
        # Copies both ways: a caller changing a nested dict it was given or gave must not
        # change the stored row behind the session's back (the change would go unnoticed).
        await self._write(key, data=copy.deepcopy(dict(data)) or None)

    async def get_data(self, key: StorageKey) -> dict[str, Any]:
        record = await self._read(key)
        return copy.deepcopy(dict(record.data)) if record and record.data else {}

    async def close(self) -> None:
        pass  # the engine is the app's, disposed of by it


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
