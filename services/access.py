"""Who may see what on the curator's desk: curators their schools, a mentor their own pairs, a
mentee their own progress. Everything else is refused in the same words as a stale button, so a
forged id reveals nothing, not even whether it exists."""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Pair, PairMember, User, UserRole
from services import pairs, schools


async def schools_of(session: AsyncSession, person_id: int) -> set[int]:
    rows = await session.scalars(select(UserRole.school_id).where(
        UserRole.user_id == person_id, UserRole.school_id.is_not(None)))
    return set(rows.all())


async def curates_person(session: AsyncSession, viewer: User, person_id: int,
                         root_ids: Collection[int]) -> bool:
    if schools.is_root_curator(viewer, root_ids):
        return await session.get(User, person_id) is not None
    own = {school.id for school in await schools.curated_schools(session, viewer, root_ids)}
    return bool(own & await schools_of(session, person_id))


async def may_see_pair(session: AsyncSession, viewer: User, pair: Pair | None,
                       root_ids: Collection[int]) -> bool:
    if pair is None:
        return False
    if pairs.mentor_of(pair).user_id == viewer.id:
        return True
    return await schools.curates(session, viewer, pair.school_id, root_ids)


async def may_see_progress(session: AsyncSession, viewer: User, mentee_id: int,
                           root_ids: Collection[int]) -> bool:
    """A mentee's diagnoses: the mentee, their mentors, the curators of their school."""
    if viewer.id == mentee_id:
        return True
    mentored = await session.scalar(
        select(PairMember.id).join(Pair, Pair.id == PairMember.pair_id)
        .where(PairMember.user_id == mentee_id, PairMember.side == pairs.MENTEE,
               Pair.id.in_(select(PairMember.pair_id).where(
                   PairMember.user_id == viewer.id, PairMember.side == pairs.MENTOR)))
        .limit(1))
    return mentored is not None or await curates_person(session, viewer, mentee_id, root_ids)
