"""What every update needs from the database, read in one statement once the person's lock is
held: who they are (with their roles and profile, and whether they curate a school: the menus
and /help ask), their conversation state, and whether the update was handled already. On SQLite
that is a read; on PostgreSQL the same statement claims the update, inserting its mark (ON
CONFLICT DO NOTHING) in a CTE, so that a twin handed to another process at the same moment
waits on that row and then finds it (bot/middlewares.OncePerUpdate). Separate statements would
cost a round trip and a round of the ORM's work each, on every press (bench.updates).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any

from aiogram import Bot
from aiogram.fsm.middleware import FSMContextMiddleware
from aiogram.types import TelegramObject, Update
from aiogram.types import User as TelegramUser
from sqlalchemy import bindparam, exists, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import contains_eager

from bot.storage import DatabaseStorage
from models import FsmRecord, ProcessedUpdate, User, UserRole
from models.db import dialect_insert
from services.schools import KNOWN_CURATORS, curates_some_school

Handler = Callable[[TelegramObject, dict[str, Any]], Awaitable[Any]]


class Dedupe(Enum):
    NONE = "none"    # not an update (a test feeding an event), or one with no id
    READ = "read"    # SQLite: whether the mark is there
    CLAIM = "claim"  # PostgreSQL: the mark inserted unless there; seen if it was


@dataclass(frozen=True)
class UpdateContext:
    user: User | None
    seen: bool | None  # None: not asked (Dedupe.NONE)


def _claim():
    """INSERT … ON CONFLICT DO NOTHING RETURNING, as a CTE: a row comes back if this update
    claimed the mark; none if it was there, or a twin's commit put it there while we waited."""
    table = ProcessedUpdate.__table__
    return (dialect_insert("postgresql", table)
            .values(bot_id=bindparam("claim_bot"), update_id=bindparam("claim_update"),
                    processed_at=bindparam("claim_at"))
            .on_conflict_do_nothing(index_elements=[table.c.bot_id, table.c.update_id])
            .returning(table.c.update_id)
            .cte("claim"))


def _statement(*, with_person: bool, with_state: bool, dedupe: Dedupe):
    """Built once per shape: a prepared statement's cache key is computed once, not per update.
    Its one row comes from a constant, so it exists whether or not the person and state do."""
    one = select(literal(1).label("one")).subquery("one")
    if dedupe is Dedupe.READ:
        seen = exists().where(ProcessedUpdate.bot_id == bindparam("bot_id"),
                              ProcessedUpdate.update_id == bindparam("update_id"))
    elif dedupe is Dedupe.CLAIM:
        seen = ~exists(select(_claim().c.update_id))
    else:
        seen = literal(None)
    statement = select(one.c.one, User if with_person else literal(None),
                       FsmRecord if with_state else literal(None), seen.label("seen"),
                       curates_some_school(User.id).label("curates") if with_person
                       else literal(None))
    statement = statement.select_from(one)
    if with_person:
        statement = (statement
                     .outerjoin(User, User.telegram_id == bindparam("telegram_id"))
                     .outerjoin(UserRole, UserRole.user_id == User.id)
                     .options(contains_eager(User.roles))
                     .order_by(UserRole.id))
    if with_state:
        statement = statement.outerjoin(FsmRecord, FsmRecord.key == bindparam("fsm_key"))
    return statement


_STATEMENTS = {(person, state, dedupe): _statement(with_person=person, with_state=state,
                                                   dedupe=dedupe)
               for person in (True, False) for state in (True, False) for dedupe in Dedupe}


async def load_update_context(session: AsyncSession, *, sender: TelegramUser | None,
                              fsm_key: str | None, bot_id: int, update_id: int | None,
                              now: datetime) -> tuple[UpdateContext, FsmRecord | None]:
    person = sender is not None and not sender.is_bot
    if update_id is None:
        dedupe = Dedupe.NONE
    else:
        dedupe = Dedupe.CLAIM if session.bind.dialect.name == "postgresql" else Dedupe.READ
    statement = _STATEMENTS[(person, fsm_key is not None, dedupe)]
    params = {"telegram_id": sender.id if person else None, "fsm_key": fsm_key,
              "bot_id": bot_id, "update_id": update_id}
    if dedupe is Dedupe.CLAIM:
        params.update(claim_bot=bot_id, claim_update=update_id, claim_at=now)
    # The rows differ only in the person's roles, which are gathered into user.roles.
    _, user, record, seen, curates = (await session.execute(statement, params)).unique().one()
    if user is not None:
        session.info.setdefault(KNOWN_CURATORS, {})[user.id] = bool(curates)
    return UpdateContext(user=user, seen=None if dedupe is Dedupe.NONE else bool(seen)), record


class PersonAndState(FSMContextMiddleware):
    """aiogram's FSM middleware (the person's lock, then their state), which reads the update's
    context in the same statement as the state once the lock is held: `update_context` for the
    middlewares after it."""

    async def __call__(self, handler: Handler, event: TelegramObject, data: dict[str, Any]) -> Any:
        bot: Bot = data["bot"]
        context = self.resolve_event_context(bot, data)
        data["fsm_storage"] = self.storage
        if context is None:
            await self._load(event, data, None)
            return await handler(event, data)
        async with self.events_isolation.lock(key=context.key):
            await self._load(event, data, context.key)
            data.update({"state": context, "raw_state": await context.get_state()})
            return await handler(event, data)

    async def _load(self, event: TelegramObject, data: dict[str, Any], key: Any) -> None:
        session: AsyncSession = data["session"]
        storage = self.storage if isinstance(self.storage, DatabaseStorage) else None
        fsm_key = storage.key_builder.build(key) if storage is not None and key else None
        update_context, record = await load_update_context(
            session, sender=data.get("event_from_user"), fsm_key=fsm_key, bot_id=data["bot"].id,
            update_id=event.update_id if isinstance(event, Update) else None,
            now=data["clock"].now())
        if fsm_key is not None:
            storage.hold(session, fsm_key, record)
        data["update_context"] = update_context
