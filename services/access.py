"""Who may see and do what: the bot's one access policy, decided from the database.

Every handler, card, chart, report and export asks here; the README's table «Who sees and does
what» is this module in words, and tests/test_access_policy.py checks each of its cells against
these functions. The principles:

* A person is part of a school only through an invitation or a curator's confirmation
  (`UserRole.confirmed_at`); moving to another school, or taking on a role, means being
  confirmed again. Nobody unconfirmed sees anybody's name.
* Curators see their schools: regional curators every school, a municipal coordinator every
  school of their municipality, a school curator their school. A school's curator rights go
  only to confirmed teachers of the school, and last only while they are; a coordinator needs
  no school, and only a regional curator appoints or removes one (services.schools,
  services.municipalities).
* A pair's own data (its card, the mentee's diagnoses, the mentor's notes) is shared with the
  mentor only while the pair is active or completed: a proposal, a refusal or a cancellation
  shares nothing. The mentor's meeting notes are for the mentor and the curators, not the
  mentee.
* A pair's variant speaks of a child's health and school record: pupils never see it (the
  teachers and the curators do).
* A pupil pair starts only between two pupils confirmed in the same school, and a partner's
  contact is shown only to a confirmed member of an active pair (a pupil sees another pupil's,
  not an adult's; in a «учитель – ученик» group the teacher sees the pupils' contacts, the
  pupils see nobody's); curators, who keep the programme's bases, see contacts too.

A refusal is answered in the same words as a stale button, so a forged id reveals nothing, not
even whether it exists.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable

from sqlalchemy import Select, exists, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.roles import SIDES, Form, Role
from models import Invite, Pair, PairMember, School, User, UserRole
from services import pairs, schools

# The statuses in which a pair's data is shared with its members: both sides agreed.
SHARED = (pairs.PairStatus.ACTIVE, pairs.PairStatus.COMPLETED)
PUPILS = (Role.MENTOR_PUPIL, Role.MENTEE_PUPIL)


def confirmed_role(user_id, school_id, roles: Iterable[Role] | None = None):
    """SQL: the person holds one of `roles` (any, without) in the school, active and confirmed."""
    condition = exists().where(
        UserRole.user_id == user_id, UserRole.school_id == school_id,
        UserRole.is_active.is_(True), UserRole.confirmed_at.is_not(None))
    if roles is not None:
        condition = condition.where(UserRole.role.in_([role.value for role in roles]))
    return condition


async def is_confirmed(session: AsyncSession, user_id: int, school_id: int | None,
                       roles: Iterable[Role] | None = None) -> bool:
    if school_id is None:
        return False
    return bool(await session.scalar(select(confirmed_role(user_id, school_id, roles))))


async def confirmed_school(session: AsyncSession, user: User, role: Role) -> int | None:
    """The school in which the person holds `role`, confirmed, if any."""
    return await session.scalar(select(UserRole.school_id).where(
        UserRole.user_id == user.id, UserRole.role == role, UserRole.is_active.is_(True),
        UserRole.confirmed_at.is_not(None), UserRole.school_id.is_not(None)))


async def schools_of(session: AsyncSession, person_id: int) -> set[int]:
    rows = await session.scalars(select(UserRole.school_id).where(
        UserRole.user_id == person_id, UserRole.school_id.is_not(None)))
    return set(rows.all())


def shared_pairs(user_id: int, side: str | None = None) -> Select:
    """SQL: the ids of the pairs whose data this member may see (active or completed)."""
    query = (select(PairMember.pair_id).join(Pair, Pair.id == PairMember.pair_id)
             .where(PairMember.user_id == user_id, Pair.status.in_(SHARED)))
    if side is not None:
        query = query.where(PairMember.side == side)
    return query


# --- names -------------------------------------------------------------------------------

async def may_see_names(session: AsyncSession, viewer: User, school_id: int | None,
                        root_ids: Collection[int]) -> bool:
    """The names of a school's people (the preference questionnaire's lists): its confirmed
    members and its curators."""
    if school_id is None:
        return False
    return await is_confirmed(session, viewer.id, school_id) or \
        await schools.curates(session, viewer, school_id, root_ids)


# --- pairs -------------------------------------------------------------------------------

async def may_see_pair(session: AsyncSession, viewer: User, pair: Pair | None,
                       root_ids: Collection[int]) -> bool:
    """A pair's card (plan, meetings with notes, diagnoses before and after): its mentor while
    the pair is shared, and the curators of its school."""
    if pair is None:
        return False
    if pair.status in SHARED and pairs.mentor_of(pair).user_id == viewer.id:
        return True
    return await schools.curates(session, viewer, pair.school_id, root_ids)


def may_see_variant(pair: Pair, viewer_id: int) -> bool:
    """A pair's variant («учитель – ребёнок с ОВЗ / ребёнок-инвалид», «– неуспевающий ученик»,
    «успевающий – неуспевающий») tells of a child's health and school record: a member of the
    pair who takes part as a pupil never sees it, in a group neither about themselves nor about
    the others; its teachers and the curators (whom the caller has let see the pair) do."""
    joined = pairs.member(pair, viewer_id)
    if joined is None:
        return True
    mentor_role, mentee_role = SIDES[Form(pair.form)]
    return (mentor_role if joined.side == pairs.MENTOR else mentee_role) not in PUPILS


async def may_read_notes(session: AsyncSession, viewer: User, pair: Pair | None,
                         root_ids: Collection[int]) -> bool:
    """The mentor's notes on the pair's meetings: the mentor who wrote them (for their report)
    and the school's curators; never the mentee."""
    if pair is None:
        return False
    if pairs.mentor_of(pair).user_id == viewer.id:
        return True
    return await schools.curates(session, viewer, pair.school_id, root_ids)


async def may_see_progress(session: AsyncSession, viewer: User, mentee_id: int,
                           root_ids: Collection[int]) -> bool:
    """A mentee's diagnoses and progress chart: the mentee, the mentor of a shared pair with
    them, the curators of their school."""
    if viewer.id == mentee_id:
        return True
    mentored = await session.scalar(
        select(PairMember.id).where(
            PairMember.user_id == mentee_id, PairMember.side == pairs.MENTEE,
            PairMember.pair_id.in_(shared_pairs(viewer.id, pairs.MENTOR)))
        .limit(1))
    return mentored is not None or await curates_person(session, viewer, mentee_id, root_ids)


async def may_see_contact(session: AsyncSession, viewer: User, person: User,
                          root_ids: Collection[int]) -> bool:
    """A person's Telegram contact: themselves; a partner in an active pair who is confirmed in
    the pair's school (a pupil sees another pupil's contact, not an adult's, and none in a
    «учитель – ученик» pair or group: its pupils are not partners of each other, the teacher
    reaches them); the curators of their school."""
    if viewer.id == person.id:
        return True
    partner_pairs = await session.scalars(
        select(Pair).join(PairMember, PairMember.pair_id == Pair.id)
        .where(PairMember.user_id == person.id, Pair.status == pairs.PairStatus.ACTIVE,
               Pair.id.in_(select(PairMember.pair_id).where(PairMember.user_id == viewer.id))))
    viewer_pupil = not await _is_teacher(session, viewer.id)
    for pair in partner_pairs.unique().all():
        if not await is_confirmed(session, viewer.id, pair.school_id):
            continue
        if viewer_pupil and (pair.form == Form.TEACHER_PUPIL
                             or await _is_teacher(session, person.id)):
            continue
        return True
    return await curates_person(session, viewer, person.id, root_ids)


async def _is_teacher(session: AsyncSession, user_id: int) -> bool:
    return await session.scalar(select(UserRole.id).where(
        UserRole.user_id == user_id, UserRole.is_active.is_(True),
        UserRole.role.in_([role.value for role in schools.TEACHER_ROLES])).limit(1)) is not None


async def may_bind_group(session: AsyncSession, viewer: User, pair: Pair) -> bool:
    """Binding a group chat to a pair (its notices, with everybody's names, go there): a member
    of the pair while it is active (everybody agreed), confirmed in its school. That every
    member is in the group is Telegram's to tell (handlers.groups)."""
    return pair.status == pairs.PairStatus.ACTIVE and pairs.member(pair, viewer.id) is not None \
        and await is_confirmed(session, viewer.id, pair.school_id)


# --- pupil pairs ---------------------------------------------------------------------------

async def pupil_mentor_school(session: AsyncSession, user: User) -> int | None:
    """The school into which this person may invite a pupil (/invite): where they are a
    confirmed pupil mentor; None for anybody else."""
    return await confirmed_school(session, user, Role.MENTOR_PUPIL)


async def may_join_pupil_pair(session: AsyncSession, user: User, invite: Invite) -> bool:
    """A pupil's invitation admits a pupil mentee confirmed in the same school as the inviter,
    who is still a confirmed pupil mentor there."""
    return invite.created_by != user.id and \
        await is_confirmed(session, user.id, invite.school_id, [Role.MENTEE_PUPIL]) and \
        await is_confirmed(session, invite.created_by, invite.school_id, [Role.MENTOR_PUPIL])


# --- curators ------------------------------------------------------------------------------

async def may_curate(session: AsyncSession, viewer: User, school_id: int | None,
                     root_ids: Collection[int]) -> bool:
    """A school's summary, exports, invitations, confirmations, pairs and calendar."""
    return school_id is not None and await schools.curates(session, viewer, school_id, root_ids)


async def curated_schools(session: AsyncSession, viewer: User,
                          root_ids: Collection[int]) -> list[School]:
    """The schools whose curator's commands this person may use (every school for a regional
    curator)."""
    return await schools.curated_schools(session, viewer, root_ids)


async def is_curator(session: AsyncSession, viewer: User, root_ids: Collection[int]) -> bool:
    return await schools.is_curator(session, viewer, root_ids)


def may_manage_region(viewer: User, root_ids: Collection[int]) -> bool:
    """The region's structure (/municipalities): creating municipalities, placing schools,
    appointing and removing coordinators; the regional curators only."""
    return schools.is_root_curator(viewer, root_ids)


async def may_see_municipality(session: AsyncSession, viewer: User, municipality_id: int,
                               root_ids: Collection[int]) -> bool:
    """A municipality's roll-up and comparison: the regional curators and its coordinators."""
    if schools.is_root_curator(viewer, root_ids):
        return True
    return municipality_id in set((await session.scalars(
        schools.coordinated_by(viewer.id))).all())


async def invitation_in_force(session: AsyncSession, invite: Invite,
                              root_ids: Collection[int]) -> bool:
    """Whether a curator's invitation still admits: only while whoever made it may still do what
    it does. A school invitation, while its maker may curate the school (a removed coordinator,
    a revoked school curator, a coordinator whose school moved to another municipality no
    longer may; a regional curator while in CURATOR_IDS); a coordinator's invitation (it names
    a municipality, not a school), while its maker is a regional curator."""
    creator = await session.get(User, invite.created_by) if invite.created_by else None
    if creator is None:
        return False
    if invite.municipality_id is not None:
        return may_manage_region(creator, root_ids)
    return await may_curate(session, creator, invite.school_id, root_ids)


async def may_become_curator(session: AsyncSession, school_id: int, user_id: int) -> bool:
    """Curator rights go only to a confirmed teacher of the school."""
    return await is_confirmed(session, user_id, school_id, schools.TEACHER_ROLES)


async def curates_person(session: AsyncSession, viewer: User, person_id: int,
                         root_ids: Collection[int]) -> bool:
    """A person's card: the curators of a school the person belongs to."""
    if schools.is_root_curator(viewer, root_ids):
        return await session.get(User, person_id) is not None
    return bool(await _curated_ids(session, viewer, root_ids) & await schools_of(session,
                                                                                person_id))


async def may_describe_mentor(session: AsyncSession, viewer: User, person_id: int,
                              root_ids: Collection[int]) -> bool:
    """A teacher mentor's position and key competences (the base of mentors): the curators of
    the school of their mentor's role fill or correct them."""
    school_id = await session.scalar(select(UserRole.school_id).where(
        UserRole.user_id == person_id, UserRole.role == Role.MENTOR_TEACHER,
        UserRole.is_active.is_(True)))
    return await may_curate(session, viewer, school_id, root_ids)


async def pairs_curated_by(session: AsyncSession, viewer: User, candidates: Iterable[Pair],
                           root_ids: Collection[int]) -> list[Pair]:
    """Of these pairs, those of the schools the viewer curates (a person card shows only these:
    a person who moved school brings no names from the old one)."""
    if schools.is_root_curator(viewer, root_ids):
        return list(candidates)
    own = await _curated_ids(session, viewer, root_ids)
    return [pair for pair in candidates if pair.school_id in own]


async def _curated_ids(session: AsyncSession, viewer: User, root_ids: Collection[int]) -> set[int]:
    return {school.id for school in await schools.curated_schools(session, viewer, root_ids)}
