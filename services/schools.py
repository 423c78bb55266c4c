"""Schools, their curators, and confirming people into a school.

Curators come at three levels: the regional curators (CURATOR_IDS) curate every school; a
municipal coordinator (services.municipalities) curates every school of their municipality,
whether or not they belong to a school; a school curator curates their school. A school
curator's rights hold while they are a confirmed teacher of that school: moving to another
school, or an unconfirmed role, ends them without anybody having to remember to. A
coordinator's hold until a regional curator removes them.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime
from typing import Any

from sqlalchemy import delete, exists, or_, select
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased

from domain.roles import Role
from models import MunicipalCoordinator, Profile, School, SchoolCurator, User, UserRole
from models.base import utcnow
from models.db import insert_unless_present

TEACHER_ROLES = (Role.MENTOR_TEACHER, Role.MENTEE_TEACHER)


def _in_force(curator: type[SchoolCurator], role: type[UserRole]):
    return exists().where(
        role.user_id == curator.user_id, role.school_id == curator.school_id,
        role.is_active.is_(True), role.confirmed_at.is_not(None),
        role.role.in_([role.value for role in TEACHER_ROLES]))


_IN_FORCE = _in_force(SchoolCurator, UserRole)

# session.info: whether a person curates a school, by user id, as read with the update's person
# (bot/update_context.py); the unit of work forgets it at the first flush.
KNOWN_CURATORS = "known_curators"


def curates_some_school(user_id: Any):
    """SQL: whether the person `user_id` (a column or value) holds a school curator's rights in
    force or coordinates a municipality; for a statement that reads more besides (its own
    aliases, so it can sit beside the person's roles)."""
    curator, role = aliased(SchoolCurator), aliased(UserRole)
    coordinator = aliased(MunicipalCoordinator)
    return or_(exists().where(curator.user_id == user_id, _in_force(curator, role)),
               exists().where(coordinator.user_id == user_id))


def coordinated_by(user_id: Any):
    """SQL: the ids of the municipalities the person coordinates."""
    return select(MunicipalCoordinator.municipality_id).where(
        MunicipalCoordinator.user_id == user_id)


def _curated_by(user_id: int):
    """SQL: a School row this (non-regional) person curates: as its curator in force, or as the
    coordinator of its municipality."""
    return or_(
        School.id.in_(select(SchoolCurator.school_id).where(SchoolCurator.user_id == user_id,
                                                            in_force())),
        School.municipality_id.in_(coordinated_by(user_id)))


def in_force():
    """SQL: a SchoolCurator row whose holder is a confirmed teacher of that school."""
    return _IN_FORCE


def is_root_curator(user: User, root_ids: Collection[int]) -> bool:
    """CURATOR_IDS curate every school (a regional centre's staff)."""
    return user.telegram_id in root_ids


async def root_curators(session: AsyncSession, root_ids: Collection[int]) -> list[User]:
    if not root_ids:
        return []
    return list((await session.scalars(
        select(User).where(User.telegram_id.in_(list(root_ids))))).all())


async def responsible_curators(session: AsyncSession, school_id: int,
                               root_ids: Collection[int]) -> list[User]:
    """Who hears about a school: its own curators, else its municipality's coordinators, else
    the regional ones."""
    own = await session.scalars(
        select(User).join(SchoolCurator, SchoolCurator.user_id == User.id)
        .where(SchoolCurator.school_id == school_id, in_force()).order_by(User.id))
    coordinators = await session.scalars(
        select(User).join(MunicipalCoordinator, MunicipalCoordinator.user_id == User.id)
        .join(School, School.municipality_id == MunicipalCoordinator.municipality_id)
        .where(School.id == school_id).order_by(User.id))
    return list(own.unique().all()) or list(coordinators.unique().all()) or \
        await root_curators(session, root_ids)


async def curated_schools(
    session: AsyncSession, user: User, root_ids: Collection[int]
) -> list[School]:
    if is_root_curator(user, root_ids):
        query = select(School).order_by(School.name)
    else:
        query = select(School).where(_curated_by(user.id)).order_by(School.name)
    return list((await session.scalars(query)).all())


async def is_curator(session: AsyncSession, user: User, root_ids: Collection[int]) -> bool:
    if is_root_curator(user, root_ids):
        return True
    known = session.info.get(KNOWN_CURATORS, {}).get(user.id)
    if known is not None:
        return known
    return bool(await session.scalar(select(curates_some_school(user.id))))


async def curates(
    session: AsyncSession, user: User, school_id: int, root_ids: Collection[int]
) -> bool:
    if is_root_curator(user, root_ids):
        return await session.get(School, school_id) is not None
    return await session.scalar(select(School.id).where(
        School.id == school_id, _curated_by(user.id))) is not None


async def curators_of(session: AsyncSession, school_id: int) -> list[tuple[int, str | None]]:
    rows = await session.execute(
        select(SchoolCurator.user_id, Profile.full_name)
        .join(Profile, Profile.user_id == SchoolCurator.user_id, isouter=True)
        .where(SchoolCurator.school_id == school_id, in_force()).order_by(Profile.full_name))
    return [(row.user_id, row.full_name) for row in rows]


async def grant_curator(
    session: AsyncSession, school_id: int, user_id: int, granted_by: int
) -> bool:
    """Make a teacher of the school its curator (services.access.may_become_curator says who
    may be); False when they already are."""
    granted = await session.scalar(insert_unless_present(
        session, SchoolCurator, ("school_id", "user_id"), school_id=school_id, user_id=user_id,
        granted_by=granted_by, created_at=utcnow()).returning(SchoolCurator.id))
    await session.flush()
    return granted is not None


async def revoke_curator(session: AsyncSession, school_id: int, user_id: int) -> bool:
    """Take a school curator's rights back; False when they were not its curator."""
    removed = await session.scalar(
        delete(SchoolCurator)
        .where(SchoolCurator.school_id == school_id, SchoolCurator.user_id == user_id)
        .returning(SchoolCurator.id))
    await session.flush()
    return removed is not None


async def members(
    session: AsyncSession, school_id: int, *, confirmed: bool | None = None
) -> list[tuple[UserRole, str | None]]:
    """Roles held in the school with the holder's name, by name."""
    query = (select(UserRole, Profile.full_name)
             .join(Profile, Profile.user_id == UserRole.user_id, isouter=True)
             .where(UserRole.school_id == school_id, UserRole.is_active.is_(True))
             .order_by(Profile.full_name, UserRole.id))
    if confirmed is True:
        query = query.where(UserRole.confirmed_at.is_not(None))
    elif confirmed is False:
        query = query.where(UserRole.confirmed_at.is_(None))
    return [(row[0], row[1]) for row in await session.execute(query)]


async def confirm_role(
    session: AsyncSession, role_id: int, school_ids: Collection[int], now: datetime
) -> UserRole | None:
    """Confirm a person's role into a school the curator curates; None if it is not theirs."""
    role = await session.get(UserRole, role_id)
    if role is None or role.school_id not in school_ids or not role.is_active:
        return None
    if role.confirmed_at is None:
        role.confirmed_at = now
        await session.flush()
    return role
