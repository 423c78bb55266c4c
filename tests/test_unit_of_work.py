"""The unit of work's guard: a handler that returns with writes it did not commit is a bug, seen
whichever way the writes went (the session's execute, its flush, its connection), and its
writes are rolled back; a commit, or a write that is only bookkeeping, is not one."""

from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.unit_of_work import UncommittedWork, UnitOfWork, replied_before_commit
from models import School
from models.db import lock

Write = Callable[[AsyncSession], Awaitable[Any]]
NOW = datetime(2026, 1, 1, tzinfo=UTC)


async def _through_execute(session: AsyncSession) -> None:
    await session.execute(insert(School.__table__).values(
        name="Школа", normalized_name="школа", created_at=NOW))


async def _through_connection(session: AsyncSession) -> None:
    connection = await session.connection()
    await connection.execute(insert(School.__table__).values(
        name="Школа", normalized_name="школа", created_at=NOW))


async def _through_flush(session: AsyncSession) -> None:
    session.add(School(name="Школа", normalized_name="школа"))
    await session.flush()


async def _pending(session: AsyncSession) -> None:
    session.add(School(name="Школа", normalized_name="школа"))


async def _schools(running) -> int:
    async with running.session() as session:
        return await session.scalar(select(func.count(School.id)))


async def _handle(running, write: Write, *, commit: bool) -> list[bool]:
    """Runs `write` in an update's unit of work; whether a reply then would come before the
    commit, after the write and after the (optional) commit."""
    seen = []

    async def handler(_event: Any, data: dict[str, Any]) -> None:
        session = data["session"]
        await write(session)
        seen.append(replied_before_commit())
        if commit:
            await session.commit()
            seen.append(replied_before_commit())

    await UnitOfWork(running.app.sessionmaker)(handler, object(), {})
    return seen


@pytest.mark.parametrize("write", [_through_execute, _through_connection, _through_flush,
                                   _pending])
async def test_writes_left_uncommitted_are_a_bug_and_rolled_back(running, write):
    before = await _schools(running)
    with pytest.raises(UncommittedWork):
        await _handle(running, write, commit=False)
    assert await _schools(running) == before


@pytest.mark.parametrize("write", [_through_execute, _through_connection, _through_flush])
async def test_writes_committed_are_kept_and_replies_wait_for_the_commit(running, write):
    before = await _schools(running)
    assert await _handle(running, write, commit=True) == [True, False]
    assert await _schools(running) == before + 1


async def test_a_lock_alone_is_no_write(running):
    async with running.session() as session:
        session.add(School(name="Школа", normalized_name="школа"))
        await session.commit()
        school = (await session.scalars(select(School.id))).one()

    async def locked(session: AsyncSession) -> None:
        await lock(session, School, school)

    assert await _handle(running, locked, commit=False) == [False]
