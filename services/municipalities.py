"""A region's municipalities: creating one, placing schools in it, and its coordinators.

A regional curator (CURATOR_IDS) manages the structure; a municipal coordinator curates every
school of their municipality (services.schools says so to the access policy). Coordinators are
appointed by a single-use invitation (services.invites), so they need belong to no school.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from models import MunicipalCoordinator, Municipality, Profile, School, User
from models.base import utcnow
from models.db import insert_unless_present
from services.people import normalize_school_name

MIN_NAME, MAX_NAME = 3, 120


class NameTaken(Exception):
    """A municipality of this name (as normalised) exists already."""

    def __init__(self, existing: Municipality) -> None:
        super().__init__(existing.name)
        self.existing = existing


@dataclass(frozen=True)
class Listed:
    municipality: Municipality
    schools: int
    coordinators: int


def normalized(name: str) -> str:
    """«Город  Энск» and «город энск» are one municipality, as they would be one school."""
    return normalize_school_name(name)


async def create(session: AsyncSession, name: str, created_by: int) -> Municipality:
    """A new municipality named as typed (spaces collapsed); NameTaken if the name exists. Two
    regional curators typing one name at once get one municipality: the second is refused."""
    key = normalized(name)
    existing = await session.scalar(
        select(Municipality).where(Municipality.normalized_name == key))
    if existing is not None:
        raise NameTaken(existing)
    created = await session.scalar(insert_unless_present(
        session, Municipality, "normalized_name", name=" ".join(name.split()),
        normalized_name=key, created_by=created_by, created_at=utcnow())
        .returning(Municipality.id))
    municipality = await session.scalar(
        select(Municipality).where(Municipality.normalized_name == key))
    if created is None:
        raise NameTaken(municipality)
    return municipality


async def listed(session: AsyncSession) -> list[Listed]:
    """Every municipality by name, with its numbers of schools and coordinators."""
    schools = (select(func.count(School.id)).where(School.municipality_id == Municipality.id)
               .correlate(Municipality).scalar_subquery())
    coordinators = (select(func.count(MunicipalCoordinator.id))
                    .where(MunicipalCoordinator.municipality_id == Municipality.id)
                    .correlate(Municipality).scalar_subquery())
    rows = await session.execute(select(Municipality, schools, coordinators)
                                 .order_by(Municipality.normalized_name))
    return [Listed(municipality, int(count), int(people)) for municipality, count, people in rows]


async def schools_of(session: AsyncSession, municipality_id: int) -> list[School]:
    return list((await session.scalars(
        select(School).where(School.municipality_id == municipality_id)
        .order_by(School.name))).all())


async def loose_schools(session: AsyncSession) -> int:
    """How many schools no municipality has yet."""
    return await session.scalar(
        select(func.count(School.id)).where(School.municipality_id.is_(None))) or 0


async def placeable(session: AsyncSession,
                    municipality_id: int) -> list[tuple[School, str | None]]:
    """The schools outside this municipality, by name, each with the name of the municipality
    it is in now (None: none), from which placing it here would move it."""
    rows = await session.execute(
        select(School, Municipality.name)
        .outerjoin(Municipality, Municipality.id == School.municipality_id)
        .where((School.municipality_id != municipality_id) | School.municipality_id.is_(None))
        .order_by(School.name))
    return [(school, elsewhere) for school, elsewhere in rows.all()]


async def place(session: AsyncSession, school: School, municipality: Municipality) -> None:
    """Put the school into the municipality (out of the one it was in, if any): its
    coordinators curate it from now on, the former municipality's no longer."""
    school.municipality_id = municipality.id
    await session.flush()


async def coordinators_of(session: AsyncSession,
                          municipality_id: int) -> list[tuple[int, str | None]]:
    rows = await session.execute(
        select(MunicipalCoordinator.user_id, Profile.full_name)
        .join(Profile, Profile.user_id == MunicipalCoordinator.user_id, isouter=True)
        .where(MunicipalCoordinator.municipality_id == municipality_id)
        .order_by(Profile.full_name, MunicipalCoordinator.id))
    return [(row.user_id, row.full_name) for row in rows]


async def coordinated(session: AsyncSession, user: User) -> list[Municipality]:
    """The municipalities the person coordinates."""
    return list((await session.scalars(
        select(Municipality).join(MunicipalCoordinator,
                                  MunicipalCoordinator.municipality_id == Municipality.id)
        .where(MunicipalCoordinator.user_id == user.id)
        .order_by(Municipality.normalized_name))).all())


async def appoint(session: AsyncSession, municipality_id: int, user_id: int,
                  granted_by: int | None) -> bool:
    """Make the person a coordinator of the municipality; False when they already are."""
    granted = await session.scalar(insert_unless_present(
        session, MunicipalCoordinator, ("municipality_id", "user_id"),
        municipality_id=municipality_id, user_id=user_id, granted_by=granted_by,
        created_at=utcnow()).returning(MunicipalCoordinator.id))
    await session.flush()
    return granted is not None


async def remove(session: AsyncSession, municipality_id: int, user_id: int) -> bool:
    """Take a coordinator's rights back; False when they were not its coordinator."""
    removed = await session.scalar(
        delete(MunicipalCoordinator)
        .where(MunicipalCoordinator.municipality_id == municipality_id,
               MunicipalCoordinator.user_id == user_id)
        .returning(MunicipalCoordinator.id))
    await session.flush()
    return removed is not None
