"""The access policy (services/access.py) as filters: a press about a school or a pair reaches
its handler only when the person pressing may act on it, and the handler is handed what was
checked, loaded once. A press that fails its filter goes on to the fallback router, which
answers it as a button that no longer works: to the person, a school they no longer curate and
a forged button look the same, and neither tells whether the school or pair exists."""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Collection
from typing import Any

from aiogram.filters import Filter
from aiogram.types import CallbackQuery
from sqlalchemy.ext.asyncio import AsyncSession

from bot.config import Settings
from models import Pair, School, User
from services import access, pairs


class CuratedSchool(Filter):
    """Callback data with a `school_id` the person curates: the school, given as `school`."""

    async def __call__(self, query: CallbackQuery, callback_data: Any, session: AsyncSession,
                       user: User | None, settings: Settings) -> bool | dict[str, Any]:
        if user is None or not await access.may_curate(session, user, callback_data.school_id,
                                                       settings.curator_ids):
            return False
        school = await session.get(School, callback_data.school_id)
        return False if school is None else {"school": school}


# A question of services.access about a person: (session, viewer, person id, root curator ids).
PersonPolicy = Callable[[AsyncSession, User, int, Collection[int]], Awaitable[bool]]


class PersonAllowed(Filter):
    """Callback data with the id of a `user` the person pressing may act on, as `policy` (a
    question of services.access) decides: that person, given as `person`."""

    def __init__(self, policy: PersonPolicy) -> None:
        self.policy = policy

    async def __call__(self, query: CallbackQuery, callback_data: Any, session: AsyncSession,
                       user: User | None, settings: Settings) -> bool | dict[str, Any]:
        person = await session.get(User, callback_data.user)
        if user is None or person is None or \
                not await self.policy(session, user, person.id, settings.curator_ids):
            return False
        return {"person": person}


class CuratedOpenPair(Filter):
    """Callback data with the id of an open `pair` whose school the person curates: the pair,
    given as `pair`."""

    async def __call__(self, query: CallbackQuery, callback_data: Any, session: AsyncSession,
                       user: User | None, settings: Settings) -> bool | dict[str, Any]:
        pair = await session.get(Pair, callback_data.pair)
        if user is None or pair is None or pair.status not in pairs.OPEN or \
                not await access.may_curate(session, user, pair.school_id, settings.curator_ids):
            return False
        return {"pair": pair}


class RegionalCurator(Filter):
    """A press about the region's structure (/municipalities): a regional curator's only."""

    async def __call__(self, query: CallbackQuery, user: User | None,
                       settings: Settings) -> bool:
        return user is not None and access.may_manage_region(user, settings.curator_ids)
