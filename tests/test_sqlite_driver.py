"""The SQLite adapter (models/sqlite_driver.py): one hop to aiosqlite's thread per statement,
and the cursor's results as SQLAlchemy expects them."""

import aiosqlite.core
from sqlalchemy import text

from models.db import create_engine


async def test_one_thread_hop_per_statement_and_the_results_intact(tmp_path, monkeypatch):
    hops = []
    real = aiosqlite.core.Connection._execute

    async def counted(self, fn, *args, **kwargs):
        hops.append(getattr(fn, "__name__", repr(fn)))
        return await real(self, fn, *args, **kwargs)

    engine = create_engine(f"sqlite+aiosqlite:///{tmp_path / 'hops.sqlite3'}")
    assert engine.dialect.driver == "aiosqlite_onehop"
    async with engine.begin() as connection:
        await connection.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)"))
    monkeypatch.setattr(aiosqlite.core.Connection, "_execute", counted)
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
