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
from sqlalchemy import bindparam, exists, inspect, literal, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm.attributes import set_committed_value

from bot.storage import DatabaseStorage
from models import FsmRecord, ProcessedUpdate, Profile, School, User, UserRole
from models.db import dialect_insert, loaded
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


# The entities read, each as its mapper's columns (attribute, column), and the attribute of its
# primary key, which is NULL where an outer join found nothing.
_ENTITIES = (User, UserRole, Profile, School, FsmRecord)
_COLUMNS = {entity: [(prop.key, prop.columns[0]) for prop in inspect(entity).column_attrs]
            for entity in _ENTITIES}
_NAMES = {entity: [key for key, _ in columns] for entity, columns in _COLUMNS.items()}
_KEYS = {entity: inspect(entity).get_property_by_column(inspect(entity).primary_key[0]).key
         for entity in _ENTITIES}
_LEADING = 2  # seen, curates


@dataclass(frozen=True)
class _Shape:
    statement: Any
    places: dict[type, slice]  # where each entity's columns are in a row

    def made(self, row: Any, entity: type) -> Any:
        """The entity's object made from its columns in the row; None if there is none."""
        values = dict(zip(_NAMES[entity], row[self.places[entity]], strict=True))
        return None if values[_KEYS[entity]] is None else loaded(entity, values)


def _statement(*, with_person: bool, with_state: bool, dedupe: Dedupe) -> _Shape:
    """Built once per shape: a prepared statement's cache key is computed once, not per update.
    Its one row comes from a constant, so it exists whether or not the person and state do.
    Plain columns, not ORM entities: the objects are made from them (models.db.loaded), at a
    fraction of the cost of the ORM's loading with its joined relationships (bench.updates)."""
    one = select(literal(1).label("one")).subquery("one")
    if dedupe is Dedupe.READ:
        seen = exists().where(ProcessedUpdate.bot_id == bindparam("bot_id"),
                              ProcessedUpdate.update_id == bindparam("update_id"))
    elif dedupe is Dedupe.CLAIM:
        seen = ~exists(select(_claim().c.update_id))
    else:
        seen = literal(None)
    wanted = ((User, UserRole, Profile, School) if with_person else ()) + \
        ((FsmRecord,) if with_state else ())
    places, at = {}, _LEADING
    for entity in wanted:
        places[entity] = slice(at, at + len(_COLUMNS[entity]))
        at = places[entity].stop
    statement = select(seen.label("seen"),
                       (curates_some_school(User.id) if with_person else literal(None))
                       .label("curates"),
                       *(column for entity in wanted for _, column in _COLUMNS[entity]))
    statement = statement.select_from(one)
    if with_person:
        statement = (statement
                     .outerjoin(User, User.telegram_id == bindparam("telegram_id"))
                     .outerjoin(UserRole, UserRole.user_id == User.id)
                     .outerjoin(Profile, Profile.user_id == User.id)
                     .outerjoin(School, School.id == Profile.school_id)
                     .order_by(UserRole.id))
    if with_state:
        statement = statement.outerjoin(FsmRecord, FsmRecord.key == bindparam("fsm_key"))
    return _Shape(statement, places)


_STATEMENTS = {(person, state, dedupe): _statement(with_person=person, with_state=state,
                                                   dedupe=dedupe)
               for person in (True, False) for state in (True, False) for dedupe in Dedupe}


def _person(shape: _Shape, rows: list[Any]) -> User | None:
    """The person with their roles (a row each), profile and its school, all persistent in the
    session as if queried with their relationships loaded."""
    user = shape.made(rows[0], User)
    if user is None:
        return None
    roles = [role for row in rows if (role := shape.made(row, UserRole)) is not None]
    for role in roles:
        set_committed_value(role, "user", user)
    profile = shape.made(rows[0], Profile)
    if profile is not None:
        set_committed_value(profile, "school", shape.made(rows[0], School))
        set_committed_value(profile, "user", user)
    set_committed_value(user, "roles", roles)
    set_committed_value(user, "profile", profile)
    return user


async def load_update_context(session: AsyncSession, *, sender: TelegramUser | None,
                              fsm_key: str | None, bot_id: int, update_id: int | None,
                              now: datetime) -> tuple[UpdateContext, FsmRecord | None]:
    person = sender is not None and not sender.is_bot
    if update_id is None:
        dedupe = Dedupe.NONE
    else:
        dedupe = Dedupe.CLAIM if session.bind.dialect.name == "postgresql" else Dedupe.READ
    shape = _STATEMENTS[(person, fsm_key is not None, dedupe)]
    params = {"telegram_id": sender.id if person else None, "fsm_key": fsm_key,
              "bot_id": bot_id, "update_id": update_id}
    if dedupe is Dedupe.CLAIM:
        params.update(claim_bot=bot_id, claim_update=update_id, claim_at=now)
    # One row per role of the person (at least one): all but the role repeat.
    # On the session's connection: through the session, the ORM would process the rows too.
    connection = await session.connection()
    rows = (await connection.execute(shape.statement, params)).all()
    user = _person(shape, rows) if person else None
    if user is not None:
        session.add(user)  # its roles, profile and school with it
        session.info.setdefault(KNOWN_CURATORS, {})[user.id] = bool(rows[0].curates)
    record = shape.made(rows[0], FsmRecord) if fsm_key is not None else None
    if record is not None:
        session.add(record)
    seen = None if dedupe is Dedupe.NONE else bool(rows[0].seen)
    return UpdateContext(user=user, seen=seen), record


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
