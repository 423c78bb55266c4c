"""The database briefly unavailable or locked: the person is told to try again, nothing is
half-written, and the bot goes on as soon as the database is back."""

import asyncio
import logging
import os
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import pytest
from sqlalchemy import select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.factory import build_app
from models import Answer
from models.db import create_engine
from tests.conftest import Running
from tests.flows import TEACHER_MENTEE, register
from tests.tcp_proxy import TcpProxy
from tests.telegram import texts

BUSY = "База данных сейчас занята"


async def answers(running: Running) -> list[tuple[str, object]]:
    async with running.session() as session:
        rows = await session.execute(select(Answer.question_id, Answer.value).order_by(Answer.id))
        return [tuple(row) for row in rows]


async def into_the_diagnosis(running: Running):
    anna = running.person(1001)
    await register(anna, TEACHER_MENTEE)
    await anna.send("/surveys")
    await anna.press("Начать: Диагностика")
    await anna.press("2")
    return anna


@pytest.fixture
async def sqlite_running(make_settings, clock, tmp_path) -> AsyncIterator[Running]:
    url = f"sqlite+aiosqlite:///{tmp_path / 'locked.sqlite3'}"
    settings = make_settings(database_url=url)
    engine = create_engine(url, busy_timeout=0.3)
    running = await Running(build_app(settings, engine=engine, clock=clock)).start()
    yield running
    await running.stop()


async def test_a_locked_sqlite_database(sqlite_running, caplog):
    running = sqlite_running
    anna = await into_the_diagnosis(running)
    before = await answers(running)
    database = make_url(str(running.app.engine.url)).database
    # Another program (a backup, a report) holds the write lock for a while.
    holder = sqlite3.connect(database, timeout=0, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    pump, anna.after_update = anna.after_update, None  # the outbox waits for the lock too
    try:
        with caplog.at_level(logging.WARNING):
            said = texts(await anna.press("3"))
        assert any(BUSY in text for text in said), said
        assert await answers(running) == before
    finally:
        holder.rollback()
        holder.close()
        anna.after_update = pump
    assert "database unavailable" in caplog.text
    assert "Traceback" not in caplog.text
    # The lock is gone: the same button works and the questionnaire goes on.
    said = texts(await anna.press("3"))
    assert any("Вопрос 3 из 9" in text for text in said), said
    assert [value for _, value in await answers(running)] == [2, 3]


async def test_read_marks_meeting_a_locked_database_log_one_line(sqlite_running, clock, caplog):
    """A batch of read marks that meets another program's write lock is one line in the log,
    like any other database trouble, not a traceback; the marks are only lost for redelivery."""
    running = sqlite_running
    read_marks = running.app.dispatcher["read_marks"]
    await read_marks.write()
    read_marks.defer(running.bot.id, 999_001, clock.now())
    database = make_url(str(running.app.engine.url)).database
    holder = sqlite3.connect(database, timeout=0, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with caplog.at_level(logging.WARNING):
            await read_marks.write()
    finally:
        holder.rollback()
        holder.close()
    assert "could not write 1 marks of handled reads: database unavailable" in caplog.text
    assert "Traceback" not in caplog.text


async def test_no_free_connection_is_told_apart_from_an_outage(make_settings, clock, tmp_path,
                                                               caplog):
    url = f"sqlite+aiosqlite:///{tmp_path / 'overloaded.sqlite3'}"
    # A pool of one that waits a moment for it: overload, with the database itself healthy.
    engine = create_async_engine(url, pool_size=1, max_overflow=0, pool_timeout=0.2)
    running = await Running(build_app(make_settings(database_url=url), engine=engine,
                                      clock=clock)).start()
    try:
        anna = await into_the_diagnosis(running)
        before = await answers(running)
        pump, anna.after_update = anna.after_update, None
        async with engine.connect() as held:  # another update holds the only connection
            await held.exec_driver_sql("SELECT 1")
            with caplog.at_level(logging.WARNING):
                said = texts(await anna.press("3"))
        anna.after_update = pump
        assert any(BUSY in text for text in said), said
        assert "no free database connection (overloaded)" in caplog.text
        assert "database unavailable" not in caplog.text
        assert await answers(running) == before
        said = texts(await anna.press("3"))
        assert any("Вопрос 3 из 9" in text for text in said), said
    finally:
        await running.stop()


@asynccontextmanager
async def proxied(make_settings, clock, **engine: Any) -> AsyncIterator[tuple[Running, TcpProxy]]:
    """The app on TEST_DATABASE_URL's PostgreSQL through a relay the test can cut; `engine`:
    models.db.create_engine's options."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if make_url(url or "sqlite://").get_backend_name() != "postgresql":
        pytest.skip("needs TEST_DATABASE_URL of a PostgreSQL server (.ci/run sets it)")
    target = make_url(url)
    proxy = TcpProxy(target.host or "127.0.0.1", target.port or 5432)
    await proxy.start()
    relayed = target.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    settings = make_settings(database_url=relayed)
    running = await Running(build_app(settings, engine=create_engine(relayed, **engine),
                                      clock=clock)).start()
    try:
        yield running, proxy
    finally:
        await proxy.resume()
        await running.stop()
        await proxy.stop()


@pytest.fixture
async def proxied_postgres(make_settings, clock) -> AsyncIterator[tuple[Running, TcpProxy]]:
    async with proxied(make_settings, clock) as both:
        yield both


@pytest.mark.db
async def test_postgres_unreachable_for_a_while(proxied_postgres, caplog):
    running, proxy = proxied_postgres
    anna = await into_the_diagnosis(running)
    before = await answers(running)
    await proxy.pause()  # the server restarts: connections cut, new ones refused
    pump, anna.after_update = anna.after_update, None  # the outbox waits for the server too
    with caplog.at_level(logging.WARNING):
        said = texts(await anna.press("3"))
        await running.outbox.pump_in_background()
    assert any(BUSY in text for text in said), said
    assert "outbox: database unavailable" in caplog.text
    assert "Traceback" not in caplog.text
    await proxy.resume()
    anna.after_update = pump
    assert await answers(running) == before
    said = texts(await anna.press("3"))
    assert any("Вопрос 3 из 9" in text for text in said), said
    assert [value for _, value in await answers(running)] == [2, 3]


@pytest.mark.db
@pytest.mark.parametrize("ping_after", [0, 3600])
async def test_a_pooled_connection_the_server_dropped_while_idle(make_settings, clock,
                                                                ping_after):
    """A connection that waited in the pool longer than `ping_after` is checked when taken and
    replaced if the server dropped it (a restart while the bot was quiet): the press works.
    One handed back a moment ago is trusted: the press then fails as if the restart had come
    mid-update, the person is asked to try again, and the next press works."""
    async with proxied(make_settings, clock, ping_after=ping_after) as (running, proxy):
        anna = await into_the_diagnosis(running)
        await proxy.pause()  # the server restarts: every connection is cut
        await proxy.resume()
        said = texts(await anna.press("3"))
        if ping_after:
            assert any(BUSY in text for text in said), said
            said = texts(await anna.press("3"))
        assert any("Вопрос 3 из 9" in text for text in said), said
        assert [value for _, value in await answers(running)] == [2, 3]


async def test_writers_of_one_process_queue_and_a_stuck_one_times_out(tmp_path):
    """SQLite writers of the process wait their turn on one lock (no busy-handler polling); a
    transaction that never ends makes the next writer fail as «database is locked» after the
    busy timeout, as SQLite itself would, rather than wait for ever."""
    from sqlalchemy.exc import OperationalError

    from models.db import create_engine, writer_queue

    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'queue.sqlite3'}", busy_timeout=1)
    queue = writer_queue(engine)
    async with engine.begin() as connection:
        await connection.exec_driver_sql("CREATE TABLE t (n INTEGER)")
    order = []

    async def write(n: int, until_waiting: int = 0) -> None:
        async with engine.begin() as connection:
            await connection.exec_driver_sql(f"INSERT INTO t VALUES ({n})")
            order.append(f"wrote {n}")
            for _ in range(500):  # holds the write until the other writer queues behind it
                if queue.waiting >= until_waiting:
                    break
                await asyncio.sleep(0.01)
            order.append(f"{queue.waiting} waiting")
        order.append(f"committed {n}")

    await asyncio.gather(write(1, until_waiting=1), write(2))
    # The second waited in the queue, not in SQLite's busy handler, and wrote once the first
    # had committed (the first's own return from its block may come after that).
    assert order.index("wrote 1") < order.index("1 waiting") < order.index("wrote 2") \
        < order.index("0 waiting") < order.index("committed 2")
    assert "committed 1" in order
    stuck = await engine.connect()
    await stuck.exec_driver_sql("INSERT INTO t VALUES (3)")  # and never commits
    with pytest.raises(OperationalError, match="database is locked"):
        await write(4)
    await stuck.rollback()
    await stuck.close()
    await write(5)  # the queue is free again
    async with engine.connect() as connection:
        rows = (await connection.exec_driver_sql("SELECT n FROM t ORDER BY n")).all()
    assert [n for (n,) in rows] == [1, 2, 5]
    await engine.dispose()
