"""The SQLite adapter (models/sqlite_driver.py): one hop to aiosqlite's thread per statement (or
fewer: writes marked LATER ride with the next), and the cursor's results as SQLAlchemy expects
them."""

import aiosqlite.core
import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from models.db import LATER, create_engine


def count_hops(monkeypatch) -> list[str]:
    """The calls made in aiosqlite's thread from now on."""
    hops = []
    real = aiosqlite.core.Connection._execute

    async def counted(self, fn, *args, **kwargs):
        hops.append(getattr(fn, "__name__", repr(fn)))
        return await real(self, fn, *args, **kwargs)

    monkeypatch.setattr(aiosqlite.core.Connection, "_execute", counted)
    return hops


async def test_one_thread_hop_per_statement_and_the_results_intact(tmp_path, monkeypatch):
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'hops.sqlite3'}")
    assert engine.dialect.driver == "aiosqlite_onehop"
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)"))
    hops = count_hops(monkeypatch)
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))  # the connection's first statement
        hops.clear()
        inserted = await connection.execute(text("INSERT INTO t (name) VALUES ('Анна')"))
        assert len(hops) == 1 and inserted.rowcount == 1 and inserted.lastrowid == 1
        many = await connection.execute(text("INSERT INTO t (name) VALUES (:name)"),
                                        [{"name": "Пётр"}, {"name": "Коля"}])
        assert len(hops) == 2 and many.rowcount == 2
        rows = (await connection.execute(text("SELECT id, name FROM t ORDER BY id"))).all()
        assert len(hops) == 3
        assert [tuple(row) for row in rows] == [(1, "Анна"), (2, "Пётр"), (3, "Коля")]
        await connection.commit()
    await engine.dispose()


async def test_ending_a_transaction_sqlite_never_began_costs_no_hop(tmp_path, monkeypatch):
    """Reads alone begin no SQLite transaction (pysqlite begins at the first write), and every
    connection handed back to the pool is rolled back: that rollback, and a commit after reads,
    stay in the event loop's thread. A write's commit and rollback still reach SQLite."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'ends.sqlite3'}")
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)"))
    hops = count_hops(monkeypatch)
    async with engine.connect() as connection:
        await connection.execute(text("SELECT count(*) FROM t"))
        hops.clear()
        await connection.commit()
        await connection.execute(text("SELECT count(*) FROM t"))
        await connection.rollback()
        assert len(hops) == 1  # the second SELECT only
        await connection.execute(text("INSERT INTO t (name) VALUES ('Анна')"))
        await connection.rollback()
        await connection.execute(text("INSERT INTO t (name) VALUES ('Пётр')"))
        await connection.commit()
        assert len(hops) == 5
    async with engine.connect() as connection:
        names = (await connection.execute(text("SELECT name FROM t"))).scalars().all()
    assert names == ["Пётр"]
    await engine.dispose()


async def test_writes_marked_later_ride_with_the_next_statement_or_the_commit(tmp_path,
                                                                             monkeypatch):
    """A write marked LATER (nobody reads its outcome) waits on its connection and runs, in
    order, in the same hop as the connection's next statement or its commit; a rollback drops
    it; one that fails fails the commit it rode with, under its own statement, and nothing of
    the transaction stays."""
    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'later.sqlite3'}")
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)"))
    later = text("INSERT INTO t (id, name) VALUES (:id, :name)").execution_options(
        **{LATER: True})
    names = text("SELECT name FROM t ORDER BY id")
    hops = count_hops(monkeypatch)
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
        hops.clear()
        await connection.execute(later, {"id": 1, "name": "Анна"})
        await connection.execute(later, {"id": 2, "name": "Пётр"})
        assert hops == []
        # A read sees them: they run first, in the read's hop.
        assert (await connection.execute(names)).scalars().all() == ["Анна", "Пётр"]
        assert len(hops) == 1
        await connection.execute(later, {"id": 3, "name": "Коля"})
        await connection.commit()
        assert len(hops) == 2  # the write and the commit in one
        await connection.execute(later, {"id": 4, "name": "Оля"})
        await connection.rollback()
        assert len(hops) == 2  # never ran: nothing to roll back
        await connection.execute(text("INSERT INTO t (id, name) VALUES (5, 'Нина')"))
        await connection.execute(later, {"id": 1, "name": "Анна"})  # taken: fails at commit
        with pytest.raises(IntegrityError) as failed:
            await connection.commit()
        assert failed.value.statement.startswith("INSERT INTO t")  # named, for the logs
        await connection.rollback()
    async with engine.connect() as connection:
        assert (await connection.execute(names)).scalars().all() == ["Анна", "Пётр", "Коля"]
    await engine.dispose()
