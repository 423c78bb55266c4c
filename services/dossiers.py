"""Everything a curator's card shows about one pair or one person, gathered in one place: the plan,
the meetings, the questionnaires and the diagnosis before and after."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Meeting, Pair, PairMember, Response, School, User
from services import pairs, purposes, reports
from services.meetings import MeetingStatus

FAR_FUTURE = datetime(9999, 1, 1, tzinfo=UTC)


@dataclass
class Progress:
    """A mentee's first and latest diagnosis (area → score); equal when taken once; `areas`:
    the diagnosis's areas in its order (services.purposes)."""

    first: dict = field(default_factory=dict)
    last: dict = field(default_factory=dict)
    areas: tuple[str, ...] = ()

    @property
    def taken(self) -> int:
        return 0 if not self.first else (1 if self.first is self.last else 2)


@dataclass
class PairDossier:
    pair: Pair
    school: School
    people: dict[int, User]
    meetings: list[Meeting]
    progress: dict[int, Progress]
    # questionnaire code → user id → completed at (None: begun, not finished)
    questionnaires: dict[str, dict[int, datetime | None]]

    def past(self, now: datetime) -> list[Meeting]:
        return [m for m in self.meetings
                if m.status == MeetingStatus.ACCEPTED and m.starts_at < now]

    def held(self, now: datetime) -> list[Meeting]:
        """The past meetings the mentor said took place (reports.held_meetings)."""
        return [m for m in self.past(now) if m.held is True]

    def unknown(self, now: datetime) -> list[Meeting]:
        """The past meetings whose follow-up nobody answered."""
        return [m for m in self.past(now) if m.held is None]

    def upcoming(self, now: datetime) -> list[Meeting]:
        return [m for m in self.meetings
                if m.status in (MeetingStatus.ACCEPTED, MeetingStatus.PROPOSED)
                and m.starts_at >= now]


async def progress(session: AsyncSession, mentee_id: int) -> Progress:
    scope = reports.Scope(None, None, reports.EARLIEST, FAR_FUTURE)
    first, last = await reports.diagnoses(session, scope, user_ids=[mentee_id])
    if mentee_id not in first:
        return Progress()
    return Progress(first[mentee_id], last[mentee_id], purposes.of(session).areas)


async def questionnaires_of(session: AsyncSession,
                            user_ids: list[int]) -> dict[str, dict[int, datetime | None]]:
    rows = await session.execute(
        select(Response.questionnaire_code, Response.user_id, Response.completed_at)
        .where(Response.user_id.in_(user_ids)).order_by(Response.started_at, Response.id))
    found: dict[str, dict[int, datetime | None]] = {}
    for code, user_id, completed_at in rows:
        found.setdefault(code, {})[user_id] = completed_at
    return found


async def pair_dossier(session: AsyncSession, pair: Pair) -> PairDossier:
    ids = [member.user_id for member in pair.members]
    meetings = await session.scalars(
        select(Meeting).where(Meeting.pair_id == pair.id).order_by(Meeting.starts_at))
    return PairDossier(
        pair=pair, school=await session.get(School, pair.school_id),
        people=await pairs.users_by_id(session, ids), meetings=list(meetings.all()),
        progress={m.user_id: await progress(session, m.user_id) for m in pairs.mentees_of(pair)},
        questionnaires=await questionnaires_of(session, ids))


@dataclass
class PersonDossier:
    person: User
    schools: dict[int, School]
    pairs: list[Pair]
    partners: dict[int, User]
    progress: Progress


async def person_dossier(session: AsyncSession, person: User) -> PersonDossier:
    school_ids = {role.school_id for role in person.roles if role.school_id}
    found = await session.scalars(select(School).where(School.id.in_(school_ids)))
    own = list((await session.scalars(
        select(Pair).join(PairMember, PairMember.pair_id == Pair.id)
        .where(PairMember.user_id == person.id).order_by(Pair.created_at))).unique().all())
    partners = await pairs.users_by_id(session, {m.user_id for p in own for m in p.members})
    return PersonDossier(person, {school.id: school for school in found}, own, partners,
                         await progress(session, person.id))
