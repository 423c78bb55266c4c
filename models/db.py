"""Engine and session factories, and the programmatic Alembic upgrade used at start-up."""

from __future__ import annotations

import asyncio
import sqlite3
import time
import weakref
from functools import partial
from pathlib import Path
from typing import Any

from alembic import command
from alembic.config import Config
from sqlalchemy import event, inspect, select, update
from sqlalchemy import exc as db_errors
from sqlalchemy.dialects.postgresql import insert as postgresql_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)
from sqlalchemy.orm import Session, make_transient_to_detached
from sqlalchemy.orm.base import instance_state
from sqlalchemy.util import await_only

MIGRATIONS_DIR = Path(__file__).with_name("migrations")
# Seconds a server's connection may wait in the pool before it is checked when taken.
IDLE_BEFORE_PING = 1.0

# The execution option of a write whose outcome nobody reads, which SQLite's driver may run
# with the connection's next statement or commit (models/sqlite_driver.py); others ignore it.
LATER = "run_later"


def create_engine(url: str, *, busy_timeout: float = 30,
                  ping_after: float = IDLE_BEFORE_PING) -> AsyncEngine:
    """`busy_timeout`: how long an SQLite write waits for another writer before giving up;
    `ping_after`: how long a server's connection may wait in the pool before it is checked
    again when taken (PingWhenIdle)."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:":
            Path(database).parent.mkdir(parents=True, exist_ok=True)
        ours = parsed.get_driver_name() == "aiosqlite"
        if ours:
            from models import sqlite_driver  # registers the driver

            parsed = parsed.set(drivername=f"sqlite+{sqlite_driver.DRIVER}")
        engine = create_async_engine(parsed, connect_args={"timeout": busy_timeout},
                                     hide_parameters=True)
        event.listen(engine.sync_engine, "connect", _sqlite_pragmas)
        if ours:
            event.listen(engine.sync_engine, "handle_error", sqlite_driver.name_the_waiting_write)
        OneWriter(busy_timeout).listen(engine)
        return engine
    # Parameters hold names and answers: an error's message (and so the log) never shows them.
    engine = create_async_engine(url, hide_parameters=True)
    PingWhenIdle(ping_after).listen(engine)
    return engine


class PingWhenIdle:
    """A pooled connection to the server is checked (a round trip) when it is taken after
    waiting in the pool for `idle` seconds, and replaced if the server has dropped it (a restart,
    a failover, an idle timeout): SQLAlchemy's pool_pre_ping did that on every checkout, a round
    trip on each update for a connection used a moment ago. A connection handed back within
    `idle` is trusted as it is: had the server gone meanwhile, the statement fails as it would
    have in flight (the person is asked to try again, bot/errors) and SQLAlchemy then replaces
    every connection of the pool made before the failure."""

    def __init__(self, idle: float) -> None:
        self.idle = idle

    def listen(self, engine: AsyncEngine) -> None:
        sync = engine.sync_engine
        event.listen(sync.pool, "checkin", self._checked_in)
        event.listen(sync.pool, "checkout", partial(self._checked_out, sync.dialect))

    @staticmethod
    def _checked_in(_dbapi_connection: Any, record: Any) -> None:
        if record is not None:
            record.info[_IDLE_SINCE] = time.monotonic()

    def _checked_out(self, dialect: Any, dbapi_connection: Any, record: Any,
                     _proxy: Any) -> None:
        since = record.info.get(_IDLE_SINCE)  # None: made just now
        if since is None or time.monotonic() - since < self.idle:
            return
        try:
            alive = dialect.do_ping(dbapi_connection)
        except Exception as error:
            if not dialect.is_disconnect(error, dbapi_connection, None):
                raise
            alive = False
        if not alive:
            # The pool drops this connection and takes another (a new one if need be).
            raise db_errors.DisconnectionError("the server dropped a pooled connection")


_IDLE_SINCE = "idle_since"


def _sqlite_pragmas(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    # WAL lets the bot keep answering while a long report reads the same file.
    cursor.execute("PRAGMA journal_mode=WAL")
    # Said outright: in WAL mode NORMAL would be faster, but a power cut could then drop
    # answers already committed (and confirmed to the person).
    cursor.execute("PRAGMA synchronous=FULL")
    cursor.close()


WRITES = ("INSERT", "UPDATE", "DELETE", "REPLAC")
WRITER_QUEUES: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def writer_queue(engine: AsyncEngine) -> OneWriter | None:
    """The queue of an SQLite engine's writers (None for PostgreSQL)."""
    return WRITER_QUEUES.get(engine.sync_engine)


class OneWriter:
    """SQLite lets one transaction write at a time. Left to itself, every other writer of the
    process polls SQLite's busy handler (sleeping 1, 2, 5, … 100 ms between tries) in its driver
    thread; under a crowd that is most of an update's time (bench.throughput). Here the writers
    of the process queue on one asyncio lock instead, taken by a transaction's first write and
    released once its commit or rollback is done. (pysqlite begins the transaction at the first
    write, so the reads before it never wait.) Other processes on the same file still meet the
    busy timeout."""

    def __init__(self, timeout: float) -> None:
        self.lock = asyncio.Lock()
        self.timeout = timeout  # as long as SQLite's busy timeout: then «database is locked»
        self.writing: set[int] = set()  # the driver connections holding the lock
        self.waiting = 0

    def listen(self, engine: AsyncEngine) -> None:
        sync = engine.sync_engine
        WRITER_QUEUES[sync] = self
        event.listen(sync, "before_cursor_execute", self._before_execute)
        # After the driver's commit or rollback, not before (the engine's own events): the
        # next writer would otherwise meet the busy handler while the commit syncs to disk.
        dialect = sync.dialect
        for name in ("do_commit", "do_rollback"):
            setattr(dialect, name, self._then_release(getattr(dialect, name)))
        for name in ("reset", "invalidate", "close"):
            event.listen(sync.pool, name, self._release_pooled)

    def _before_execute(self, connection, _cursor, statement: str, *_: Any) -> None:
        raw = id(connection.connection.dbapi_connection)
        if raw in self.writing or statement.lstrip()[:6].upper() not in WRITES:
            return
        self.waiting += 1
        try:
            await_only(asyncio.wait_for(self.lock.acquire(), self.timeout))
        except TimeoutError:
            # What SQLite itself says when its busy timeout runs out (a writer stuck, or a
            # transaction left open): told apart from a bug (models.db.database_trouble).
            raise sqlite3.OperationalError("database is locked (queued writer)") from None
        finally:
            self.waiting -= 1
        self.writing.add(raw)

    def _then_release(self, finish):
        def finish_then_release(connection) -> None:
            try:
                finish(connection)
            finally:
                self._release(getattr(connection, "dbapi_connection", connection))
        return finish_then_release

    def _release_pooled(self, dbapi_connection, *_: Any) -> None:
        self._release(dbapi_connection)

    def _release(self, dbapi_connection) -> None:
        if id(dbapi_connection) in self.writing:
            self.writing.discard(id(dbapi_connection))
            self.lock.release()


def database_trouble(error: BaseException) -> str | None:
    """What is wrong with the database, for one log line; None when the failure is the code's.
    Overload (no free pooled connection) is told apart from an outage (locked, restarting,
    unreachable): the person is asked to try again either way, an operator looks elsewhere."""
    # The error's kind, not its message: a database error quotes the values it refused.
    orig = getattr(error, "orig", None)
    first_line = type(error).__name__ + (f" ({type(orig).__name__})" if orig is not None else "")
    if isinstance(error, db_errors.TimeoutError):
        return f"no free database connection (overloaded): {first_line}"
    if isinstance(error, db_errors.DBAPIError):
        unavailable = error.connection_invalidated or isinstance(
            error, db_errors.OperationalError | db_errors.InterfaceError)
    else:
        # The server refused the connection before the driver was involved.
        unavailable = isinstance(error, ConnectionError | TimeoutError)
    return f"database unavailable: {first_line}" if unavailable else None


def dialect_insert(dialect: str, target: Any):
    """The database's own INSERT, which knows ON CONFLICT (SQLite and PostgreSQL spell it
    alike); `dialect` is the engine's dialect name."""
    return (postgresql_insert if dialect == "postgresql" else sqlite_insert)(target)


def insert_unless_present(session: AsyncSession, model: type, key: str | tuple[str, ...],
                          **values: Any):
    """INSERT … ON CONFLICT (key) DO NOTHING, for rows several processes may add at once; with
    no values, for many rows given to execute()."""
    statement = dialect_insert(session.bind.dialect.name, model)
    if values:
        statement = statement.values(**values)
    keys = [key] if isinstance(key, str) else list(key)
    return statement.on_conflict_do_nothing(index_elements=keys)


async def lock(session: AsyncSession, model: type, ident: int) -> None:
    """Take the write lock on a row before reading what a decision about it depends on:
    PostgreSQL locks the row (FOR UPDATE), SQLite begins the write transaction (one writer at a
    time). Either way whoever comes second waits, then reads what the first committed, so two
    presses at the same moment cannot both decide on the same old state."""
    if session.bind.dialect.name == "postgresql":
        await session.execute(select(model.id).where(model.id == ident).with_for_update())
    else:
        # Marked as bookkeeping: a lock is no write the update must commit
        # (bot/unit_of_work.py); the string, as models does not import the bot.
        await session.execute(update(model).where(model.id == ident).values(id=model.id)
                              .execution_options(synchronize_session=False, bookkeeping=True))


def loaded(entity: type, values: dict[str, Any]) -> Any:
    """An object of `entity` as a query would have loaded it, from all its column values (read
    with plain columns): detached, with nothing changed, so `session.add` makes it persistent
    without a statement. Its relationships are the caller's to set (set_committed_value): one
    left unset would be loaded on first use, which an async session cannot do."""
    instance = inspect(entity).class_manager.new_instance()
    instance_state(instance).dict.update(values)
    make_transient_to_detached(instance)
    return instance


def create_sessionmaker(engine: AsyncEngine,
                        info: dict[str, Any] | None = None) -> async_sessionmaker:
    """`info`: what every session of the app carries (services.purposes)."""
    # A Session class of the app's own: its events are listened to once (bot/unit_of_work.py)
    # and reach no other app's sessions (the tests build many apps in one process).
    session_class = type("AppSession", (Session,), {})
    return async_sessionmaker(engine, expire_on_commit=False, sync_session_class=session_class,
                              info=info or {})


def alembic_config(url: str) -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return config


async def upgrade_database(engine: AsyncEngine) -> None:
    """Apply every migration to the head revision over the engine's own connection."""
    async with engine.begin() as connection:
        await connection.run_sync(_upgrade, engine.url.render_as_string(hide_password=False))


def _upgrade(connection, url: str) -> None:
    config = alembic_config(url)
    config.attributes["connection"] = connection
    command.upgrade(config, "head")
