"""One unit of work per update: one database session, one transaction, one commit.

The update's use case (its handler) commits once, before it replies, and everything the update
writes rides in that commit: the answer, the FSM state, the outbox rows it owes other people,
and the mark that the update was handled (bot/middlewares.OncePerUpdate). Services flush and
never commit. A crash before the commit leaves nothing behind, so Telegram's redelivery does the
whole update again; a crash after it makes the redelivery a no-op.

Two mistakes break that and are caught here, for every update:
- a write the handler leaves uncommitted when it returns (it would be lost): UncommittedWork;
- a reply sent while writes are still uncommitted (the person would be told of something that
  may yet roll back): `replied_before_commit`, which the tests' mocked Bot API checks on every
  request.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from contextvars import ContextVar
from typing import Any

from aiogram import BaseMiddleware
from aiogram.types import TelegramObject
from sqlalchemy import event as orm_event
from sqlalchemy.engine import Connection
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker
from sqlalchemy.orm import Session

from services.schools import KNOWN_CURATORS

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]
Write = Callable[[Session], Any]

# The session of the update being handled: the database FSM storage writes into it, so the
# conversation state is committed with the rest of the update.
current_session: ContextVar[AsyncSession | None] = ContextVar("current_session", default=None)

# An execution option for statements that are not the handler's writes: one that only takes a
# lock (models.db.lock), and the pipeline's own mark that the update was handled.
BOOKKEEPING = "bookkeeping"

# Where a session's bookkeeping for its update is found (session.info).
WRITES = "writes"
FIRST_COMMIT = "first_commit"


class UncommittedWork(RuntimeError):
    """A handler returned with writes it never committed: a bug, never a person's mistake."""


def session_class(sessionmaker: async_sessionmaker) -> type[Session]:
    """The sessionmaker's own Session class (models.db.create_sessionmaker), whose events are
    listened to once for the app, not per update: listening costs more than a statement."""
    return sessionmaker.kw["sync_session_class"]


def outermost(previous_transaction: Any) -> bool:
    return previous_transaction.parent is None  # not a savepoint


class Writes:
    """Whether the session holds writes since its last commit or rollback."""

    def __init__(self, session: AsyncSession) -> None:
        self.session = session
        self.flushed = False

    @property
    def pending(self) -> bool:
        sync = self.session.sync_session
        return self.flushed or bool(sync.new or sync.deleted or any(
            sync.is_modified(row) for row in sync.dirty))

    def noted(self) -> None:
        self.flushed = True
        # What was read with the person may be changed by the writes.
        self.session.info.pop(KNOWN_CURATORS, None)

    @staticmethod
    def listen(session_class: type[Session], engine: AsyncEngine) -> None:
        # A write is seen where it reaches the database, whether through the session's execute,
        # its flush or its connection: each connection the session begins a transaction on
        # carries the session's Writes. Not the session's do_orm_execute event, whose mere
        # presence makes every statement of every session build an ORMExecuteState.
        def began(session: Session, _transaction: Any, connection: Connection) -> None:
            if (writes := session.info.get(WRITES)) is not None:
                connection.execution_options(**{WRITES: writes})

        def executing(_connection: Connection, _cursor: Any, _statement: str, _parameters: Any,
                      context: Any, _many: bool) -> None:
            options = context.execution_options
            if (writes := options.get(WRITES)) is not None and \
                    (context.isinsert or context.isupdate or context.isdelete) and \
                    not options.get(BOOKKEEPING):
                writes.noted()

        def committed(session: Session) -> None:
            if (writes := session.info.get(WRITES)) is not None:
                writes.flushed = False

        def rolled_back(session: Session, previous_transaction: Any) -> None:
            if outermost(previous_transaction):
                committed(session)

        orm_event.listen(session_class, "after_begin", began)
        orm_event.listen(engine.sync_engine, "before_cursor_execute", executing)
        orm_event.listen(session_class, "after_commit", committed)
        orm_event.listen(session_class, "after_soft_rollback", rolled_back)


class FirstCommit:
    """What the pipeline itself writes (the update's mark, «reachable again») rides in the
    update's first commit, whichever use case makes it, and is written again after a rollback.
    When the handler commits nothing (a read), the pipeline commits just these. Each is a write
    run on the session as the commit begins: a statement, not an object for the ORM's flush,
    which costs more than the statement."""

    def __init__(self) -> None:
        self.owed: list[Write] = []             # to run at the first commit
        self.in_transaction: list[Write] = []   # already run, not committed yet
        self.done = False

    @property
    def pending(self) -> bool:
        return not self.done and bool(self.owed or self.in_transaction)

    def owe(self, write: Write) -> None:
        self.owed.append(write)

    def written(self, write: Write) -> None:
        """A write the pipeline has run already; after a rollback it is owed again."""
        self.in_transaction.append(write)

    def withdraw(self, write: Write) -> bool:
        """Take back a write, run already or not, if it is all the update owes (it wrote nothing
        else): whether it was taken back. Nothing is committed then, and the session's close
        rolls back whatever was run."""
        if self.done or self.owed + self.in_transaction != [write]:
            return False
        self.owed, self.in_transaction = [], []
        return True

    def _before_commit(self, session: Session) -> None:
        if self.done:
            return
        for write in self.owed:
            write(session)
        self.in_transaction += self.owed
        self.owed = []

    def _after_rollback(self) -> None:
        if not self.done:
            self.owed += self.in_transaction
            self.in_transaction = []

    @staticmethod
    def listen(session_class: type[Session]) -> None:
        def committing(session: Session) -> None:
            if (pipeline := session.info.get(FIRST_COMMIT)) is not None:
                pipeline._before_commit(session)

        def committed(session: Session) -> None:
            if (pipeline := session.info.get(FIRST_COMMIT)) is not None:
                pipeline.done = True

        def rolled_back(session: Session, previous_transaction: Any) -> None:
            if outermost(previous_transaction) and \
                    (pipeline := session.info.get(FIRST_COMMIT)) is not None:
                pipeline._after_rollback()

        orm_event.listen(session_class, "before_commit", committing)
        orm_event.listen(session_class, "after_commit", committed)
        orm_event.listen(session_class, "after_soft_rollback", rolled_back)


def first_commit(session: AsyncSession) -> FirstCommit:
    return session.info[FIRST_COMMIT]


async def commit() -> None:
    """The update's commit, which its use case makes once it has decided and before it replies;
    for views that are handed no session of their own."""
    session = current_session.get()
    if session is None:
        raise RuntimeError("commit() outside an update")
    await session.commit()


def replied_before_commit() -> bool:
    """Whether the update being handled (if any) has writes still uncommitted."""
    session = current_session.get()
    writes = session.info.get(WRITES) if session is not None else None
    return writes is not None and writes.pending


class UnitOfWork(BaseMiddleware):
    """Outermost of ours: opens the update's session (lazily: no connection is taken until the
    first statement), makes it the FSM storage's, and checks when the handler returns that it
    left nothing uncommitted."""

    def __init__(self, sessionmaker: async_sessionmaker) -> None:
        self.sessionmaker = sessionmaker
        Writes.listen(session_class(sessionmaker), sessionmaker.kw["bind"])
        FirstCommit.listen(session_class(sessionmaker))

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        async with self.sessionmaker() as session:
            writes = session.info[WRITES] = Writes(session)
            pipeline = session.info[FIRST_COMMIT] = FirstCommit()
            token = current_session.set(session)
            try:
                data["session"] = session
                result = await handler(event, data)
                if writes.pending:
                    await session.rollback()
                    raise UncommittedWork(
                        "the handler returned with writes it did not commit; rolled back")
                if pipeline.pending:
                    await session.commit()  # a read: the pipeline's own rows alone
                return result
            finally:
                current_session.reset(token)
                session.info.clear()
