"""SQLite for asyncio with one thread hop per statement.

aiosqlite runs every sqlite3 call in its connection's thread and hands the result back to the
event loop: SQLAlchemy's adapter makes four such hops for one statement (make a cursor, execute,
fetch the rows, close the cursor), each a queue put, a thread wake-up and a callback on the loop
(issue 13 measured 58 hops and 7.6 ms for one answer). Here the four run as one function in that
thread, and the cursor's description, row count and last row id come back with the rows. Same
sqlite3 module, same thread per connection, same aiosqlite; only the adapter's cursor differs.

A write whose outcome nobody reads (no rows, no row count, no new id) may be marked with the
execution option LATER (models.db.LATER): it waits on its connection and runs in the same trip to
the thread as the connection's next statement or its commit, in order. An answer's upsert, its
response's move and the update's mark so cost one trip with the commit instead of four (the
trips are most of what a statement costs when the machine is busy). Such a write that fails
fails the statement or the commit it ran with, in the same transaction, which is then rolled
back whole as before; a rollback drops the writes still waiting.

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

from models.db import LATER

DRIVER = "aiosqlite_onehop"

Later = list[tuple[Any, Any]]  # writes waiting on a connection: (operation, parameters)


async def _kept() -> None:
    return None


# Where a waiting write that failed leaves its statement on the driver's error: SQLAlchemy names
# the statement it was running (a later read, or none for a commit), and the logs would then
# blame the wrong one (name_the_waiting_write puts it right).
WAITING = "waiting_statement"


def _run_waiting(cursor: Any, later: Later) -> None:
    for waiting, parameters in later:
        try:
            cursor.execute(waiting, parameters)
        except Exception as error:
            setattr(error, WAITING, waiting)
            raise


def name_the_waiting_write(context: Any) -> None:
    """The engine's handle_error: an error of a waiting write names that write's statement."""
    waiting = getattr(context.original_exception, WAITING, None)
    if waiting is not None and context.sqlalchemy_exception is not None:
        context.sqlalchemy_exception.statement = waiting
        context.sqlalchemy_exception.params = None


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

    def run_later(self, operation: Any, parameters: Any) -> None:
        """Keep a write for the connection's next trip to its thread (LATER)."""
        self._adapt_connection.later.append((operation, parameters))
        self._rows.clear()
        self._description, self._rowcount, self._lastrowid = None, -1, None
        # SQLAlchemy's AsyncConnection takes a statement that never awaited for a driver that
        # is not async; this await returns at once, without a turn of the event loop.
        await_only(_kept())

    def _run(self, operation: Any, parameters: Any, many: bool,
             later: Later) -> tuple[Any, Any, int, Any]:
        """In the driver's thread: the writes waiting, then the statement; its rows (None for
        no result set), description, row count and last row id."""
        connection = self._connection._conn  # the sqlite3 connection, in its own thread here
        cursor = connection.cursor()
        try:
            _run_waiting(cursor, later)
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
                await self._connection._execute(self._run, operation, parameters, False,
                                                self._adapt_connection.take_later())
        if rows is not None:
            self._rows = collections.deque(rows)
        return None

    async def _executemany_async(self, operation: Any, seq_of_parameters: Any) -> Any:
        async with self._adapt_connection._execute_mutex:
            _, self._description, self._rowcount, self._lastrowid = \
                await self._connection._execute(self._run, operation, seq_of_parameters, True,
                                                self._adapt_connection.take_later())
        return None

    async def _async_soft_close(self) -> None:
        return None  # closed already, in the thread

    def close(self) -> None:
        self._rows.clear()

    def nextset(self) -> None:
        return None


class OneHopConnection(AsyncAdapt_aiosqlite_connection):
    __slots__ = ("later",)
    _cursor_cls = OneHopCursor

    def __init__(self, dbapi: Any, connection: Any) -> None:
        super().__init__(dbapi, connection)
        self.later: Later = []

    def take_later(self) -> Later:
        later, self.later = self.later, []
        return later

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
        self.later = []  # never run: nothing to undo
        if self._begun():
            super().rollback()

    def commit(self) -> None:
        later = self.take_later()
        if later:
            try:
                await_only(self._connection._execute(self._commit_after, later))
            except Exception as error:
                self._handle_exception(error)
        elif self._begun():
            super().commit()

    def _commit_after(self, later: Later) -> None:
        """In the driver's thread: the writes waiting, then the commit."""
        connection = self._connection._conn
        cursor = connection.cursor()
        try:
            _run_waiting(cursor, later)
        finally:
            cursor.close()
        connection.commit()

    def close(self) -> None:
        self.later = []
        super().close()


class OneHopDBAPI(AsyncAdapt_aiosqlite_dbapi):
    def connect(self, *arg: Any, **kw: Any) -> OneHopConnection:
        connection = self.aiosqlite.connect(*arg, **kw)
        connection._thread.daemon = True  # as SQLAlchemy does: a stuck thread never holds exit
        return OneHopConnection(self, await_only(connection))


class OneHopDialect(SQLiteDialect_aiosqlite):
    driver = DRIVER
    supports_statement_cache = True

    def do_execute(self, cursor: Any, statement: Any, parameters: Any,
                   context: Any = None) -> None:
        if context is not None and context.execution_options.get(LATER):
            cursor.run_later(statement, parameters)
        else:
            cursor.execute(statement, parameters)

    @classmethod
    def import_dbapi(cls) -> OneHopDBAPI:
        return OneHopDBAPI(__import__("aiosqlite"), __import__("sqlite3"))


registry.register(f"sqlite.{DRIVER}", __name__, "OneHopDialect")
