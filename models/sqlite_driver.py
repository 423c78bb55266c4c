"""SQLite for asyncio with one thread hop per statement.

aiosqlite runs every sqlite3 call in its connection's thread and hands the result back to the
event loop: SQLAlchemy's adapter makes four such hops for one statement (make a cursor, execute,
fetch the rows, close the cursor), each a queue put, a thread wake-up and a callback on the loop
(issue 13 measured 58 hops and 7.6 ms for one answer). Here the four run as one function in that
thread, and the cursor's description, row count and last row id come back with the rows. Same
sqlite3 module, same thread per connection, same aiosqlite; only the adapter's cursor differs.

`models.db.create_engine` uses it for `sqlite+aiosqlite` URLs; nothing else changes for the
settings (DATABASE_URL stays `sqlite+aiosqlite:///…`).
"""

from __future__ import annotations

import collections
from typing import Any

from sqlalchemy.dialects import registry
from sqlalchemy.dialects.sqlite.aiosqlite import (
    AsyncAdapt_aiosqlite_connection,
    AsyncAdapt_aiosqlite_cursor,
    AsyncAdapt_aiosqlite_dbapi,
    SQLiteDialect_aiosqlite,
)
from sqlalchemy.util import EMPTY_DICT, await_only

DRIVER = "aiosqlite_onehop"


class OneHopCursor(AsyncAdapt_aiosqlite_cursor):
    """A statement's whole life in the driver's thread, in one call."""

    __slots__ = ("_description", "_lastrowid", "_rowcount")

    def __init__(self, adapt_connection: AsyncAdapt_aiosqlite_connection) -> None:
        self._adapt_connection = adapt_connection
        self._connection = adapt_connection._connection
        self._cursor = None  # made, used and closed inside the thread
        self._soft_closed_memoized = EMPTY_DICT
        self._rows = collections.deque()
        self._description = None
        self._rowcount = -1
        self._lastrowid = None

    @property
    def description(self) -> Any:
        return self._description

    @property
    def rowcount(self) -> int:
        return self._rowcount

    @property
    def lastrowid(self) -> Any:
        return self._lastrowid

    @property
    def arraysize(self) -> int:
        return 1

    @arraysize.setter
    def arraysize(self, value: int) -> None:
        pass

    def _run(self, operation: Any, parameters: Any, many: bool) -> tuple[Any, Any, int, Any]:
        """In the driver's thread: the rows (None for no result set), the description, the
        row count and the last row id."""
        connection = self._connection._conn  # the sqlite3 connection, in its own thread here
        cursor = connection.cursor()
        try:
            if many:
                cursor.executemany(operation, parameters)
            elif parameters is None:
                cursor.execute(operation)
            else:
                cursor.execute(operation, parameters)
            rows = cursor.fetchall() if cursor.description else None
            return rows, cursor.description, cursor.rowcount, cursor.lastrowid
        finally:
            cursor.close()

    async def _execute_async(self, operation: Any, parameters: Any) -> Any:
        async with self._adapt_connection._execute_mutex:
            rows, self._description, self._rowcount, self._lastrowid = \
                await self._connection._execute(self._run, operation, parameters, False)
        if rows is not None:
            self._rows = collections.deque(rows)
        return None

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> Any:
        async with self._adapt_connection._execute_mutex:
            _, self._description, self._rowcount, self._lastrowid = \
                await self._connection._execute(self._run, operation, seq_of_parameters, True)
        return None

    async def _async_soft_close(self) -> None:
        return None  # closed already, in the thread

    def close(self) -> None:
        self._rows.clear()

    def nextset(self) -> None:
        return None


class OneHopConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ()
    _cursor_cls = OneHopCursor

    def _begun(self) -> bool:
        """Whether SQLite has a transaction open: pysqlite begins one at the first write, so
        after reads alone, or after a commit, there is none. Read here, not in the driver's
        thread: nothing else runs on a connection while it is checked out."""
        connection = self._connection._connection
        return connection is not None and connection.in_transaction

    # Every update ends by handing its connection back to the pool, which rolls back: after a
    # read, or after the update's commit, SQLite has nothing to end, yet the call would cross
    # to the driver's thread and back to be told so.
    def rollback(self) -> None:
        if self._begun():
            super().rollback()

    def commit(self) -> None:
        if self._begun():
            super().commit()


class OneHopDBAPI(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> OneHopConnection:
        connection = self.aiosqlite.connect(*arg, **kw)
        connection._thread.daemon = True  # as SQLAlchemy does: a stuck thread never holds exit
        return OneHopConnection(self, await_only(connection))


class OneHopDialect(SQLiteDialect_aiosqlite):
    driver = DRIVER
    supports_statement_cache = True

    @classmethod
    def import_dbapi(cls) -> OneHopDBAPI:
        return OneHopDBAPI(__import__("aiosqlite"), __import__("sqlite3"))


registry.register(f"sqlite.{DRIVER}", __name__, "OneHopDialect")
