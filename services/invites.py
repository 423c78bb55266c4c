"""Invitations: a deep link and a printable code, into a school and role or into a pupil's pair.

Codes avoid look-alike characters (0/O, 1/I) so they can be read off paper and typed. An
invitation is used with one conditional write (`take`), so a single-use one admits one person
however many press «Согласен» at the same moment.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Collection
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain.roles import DEFAULT_FORM, Form, Role
from models import Invite, Municipality, Pair, Profile, School, User, UserRole
from services import access, municipalities, pairs

ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8
PAYLOAD_PREFIX = "i_"
SCHOOL_INVITE_DAYS = 30
PAIR_INVITE_HOURS = 48
COORDINATOR_INVITE_DAYS = 7
# Invite.role of a coordinator's invitation, which makes no programme role.
COORDINATOR = "coordinator"


class InviteKind(StrEnum):
    SCHOOL = "school"
    PAIR = "pair"
    COORDINATOR = "coordinator"


class InviteProblem(StrEnum):
    UNKNOWN = "unknown"
    EXPIRED = "expired"
    USED = "used"
    OWN = "own"
    PUPILS_ONLY = "pupils-only"
    # A pupil who is not (yet) a confirmed pupil mentee of the inviter's school.
    UNCONFIRMED = "unconfirmed"
    # In an open pair of another school: that pair ends first.
    PAIRED = "paired"


class InviteError(Exception):
    def __init__(self, problem: InviteProblem) -> None:
        super().__init__(problem)
        self.problem = problem


def normalize_code(text: str) -> str:
    return re.sub(r"[^A-Z0-9]", "", text.upper())


def printable(code: str) -> str:
    return f"{code[:4]}-{code[4:]}"


def payload_for(invite: Invite) -> str:
    return PAYLOAD_PREFIX + invite.code


def code_from_payload(payload: str | None) -> str | None:
    if payload and payload.startswith(PAYLOAD_PREFIX):
        return normalize_code(payload.removeprefix(PAYLOAD_PREFIX)) or None
    return None


async def _unique_code(session: AsyncSession) -> str:
    while True:
        code = "".join(secrets.choice(ALPHABET) for _ in range(CODE_LENGTH))
        if await session.scalar(select(Invite.id).where(Invite.code == code)) is None:
            return code


async def create(
    session: AsyncSession, *, kind: InviteKind, school_id: int, role: Role, created_by: int,
    now: datetime,
) -> Invite:
    """A school invite serves many people for a month; a pair invite one person for two days."""
    single = kind is InviteKind.PAIR
    invite = Invite(
        code=await _unique_code(session), kind=kind, school_id=school_id, role=role,
        created_by=created_by,
        expires_at=now + (timedelta(hours=PAIR_INVITE_HOURS) if single
                          else timedelta(days=SCHOOL_INVITE_DAYS)),
        max_uses=1 if single else None, uses=0,
    )
    session.add(invite)
    await session.flush()
    return invite


async def create_for_coordinator(session: AsyncSession, *, municipality_id: int,
                                 created_by: int, now: datetime) -> Invite:
    """A regional curator's invitation to coordinate a municipality: one person, a week."""
    invite = Invite(
        code=await _unique_code(session), kind=InviteKind.COORDINATOR, school_id=None,
        municipality_id=municipality_id, role=COORDINATOR, created_by=created_by,
        expires_at=now + timedelta(days=COORDINATOR_INVITE_DAYS), max_uses=1, uses=0)
    session.add(invite)
    await session.flush()
    return invite


async def join_municipality(session: AsyncSession, user: User, invite: Invite,
                            now: datetime, root_ids: Collection[int]) -> tuple[Municipality, bool]:
    """The invited person becomes the municipality's coordinator, the invitation used up in the
    same transaction; (municipality, False) for somebody who already coordinates it, whose
    visit leaves the invitation for nobody else either (it was meant for them). An invitation
    whose maker is no longer a regional curator is answered as expired."""
    await _check_in_force(session, invite, root_ids)
    await take(session, invite, now)
    appointed = await municipalities.appoint(session, invite.municipality_id, user.id,
                                             invite.created_by)
    return await session.get(Municipality, invite.municipality_id), appointed


async def find(session: AsyncSession, code: str, now: datetime) -> Invite:
    """The invite behind a code, if it can still be used; InviteError says why not."""
    invite = await session.scalar(select(Invite).where(Invite.code == normalize_code(code)))
    if invite is None or invite.revoked_at is not None:
        raise InviteError(InviteProblem.UNKNOWN)
    if invite.expires_at is not None and invite.expires_at <= now:
        raise InviteError(InviteProblem.EXPIRED)
    if invite.max_uses is not None and invite.uses >= invite.max_uses:
        raise InviteError(InviteProblem.USED)
    return invite


async def check_pupil(session: AsyncSession, user: User, invite: Invite) -> None:
    """Only a pupil mentee confirmed in the inviter's school may take a pupil's invitation
    (services.access); InviteError says why not, before anybody's name is shown."""
    if invite.created_by == user.id:
        raise InviteError(InviteProblem.OWN)
    if await access.may_join_pupil_pair(session, user, invite):
        return
    held = {Role(r.role) for r in user.roles if r.is_active}
    if held and not held & set(access.PUPILS):
        raise InviteError(InviteProblem.PUPILS_ONLY)
    raise InviteError(InviteProblem.UNCONFIRMED)


async def enrol_invited_pupil(session: AsyncSession, user: User, invite: Invite,
                              now: datetime) -> bool:
    """A newcomer who opens a pupil's invitation is a pupil mentee of the inviter's school, as
    the invitation says: the role and school are set, not asked. The place is unconfirmed until
    the school's curator confirms it (only then can the invitation be taken). False, and
    nothing changes, for somebody who already holds a role."""
    if user.roles:
        return False
    user.roles.append(UserRole(role=Role.MENTEE_PUPIL, form=DEFAULT_FORM[Role.MENTEE_PUPIL],
                               school_id=invite.school_id, created_at=now))
    if user.profile is None:
        user.profile = Profile()
    if user.profile.school_id is None:
        user.profile.school = await session.get(School, invite.school_id)
    await session.flush()
    return True


async def waiting_pupil_invite(session: AsyncSession, user: User, now: datetime) -> Invite | None:
    """The pupil's invitation the person came with, if they may take it now (confirmed since)
    and it can still be used."""
    code = code_from_payload(user.start_payload)
    if code is None:
        return None
    try:
        invite = await find(session, code, now)
        if invite.kind != InviteKind.PAIR:
            return None
        await check_pupil(session, user, invite)
    except InviteError:
        return None
    return invite


async def take(session: AsyncSession, invite: Invite, now: datetime) -> None:
    """Use the invitation once, if it can still be used, in one conditional write: of two
    people taking the last use at the same moment, one gets it and the other InviteError."""
    taken = await session.scalar(
        update(Invite)
        .where(Invite.id == invite.id, Invite.revoked_at.is_(None),
               or_(Invite.expires_at.is_(None), Invite.expires_at > now),
               or_(Invite.max_uses.is_(None), Invite.uses < Invite.max_uses))
        .values(uses=Invite.uses + 1)
        .returning(Invite.uses)
        .execution_options(synchronize_session=False))
    if taken is None:
        raise InviteError(InviteProblem.USED)
    invite.uses = taken


async def join_pair(session: AsyncSession, user: User, invite: Invite, now: datetime) -> Pair:
    """The invited pupil agrees: a pupil–pupil pair waiting for the inviter's consent.

    The invite is used up in the same transaction as the pair is made, so a code admits one.
    """
    await check_pupil(session, user, invite)
    await take(session, invite, now)
    return await pairs.propose(
        session, school_id=invite.school_id, form=Form.PUPIL_PUPIL,
        mentor_id=invite.created_by, mentee_ids=[user.id], created_by=invite.created_by,
        variant=pairs.PUPIL_VARIANT, agreed=[user.id], now=now)


async def _check_in_force(session: AsyncSession, invite: Invite,
                          root_ids: Collection[int]) -> None:
    """A curator's invitation whose maker has lost the rights behind it (services.access) is
    answered as an expired one: it admits nobody."""
    if not await access.invitation_in_force(session, invite, root_ids):
        raise InviteError(InviteProblem.EXPIRED)


async def join_school(session: AsyncSession, user: User, invite: Invite, now: datetime,
                      root_ids: Collection[int]) -> Role:
    """Put the person into the invite's school and role, confirmed (the curator vouched, and may
    still curate the school: else the invitation is answered as expired). Their other roles
    move with them and, if that is a move to another school, wait for the new curator's
    confirmation; somebody in an open pair of another school cannot move."""
    await _check_in_force(session, invite, root_ids)
    if await pairs.open_pairs_elsewhere(session, user.id, invite.school_id):
        raise InviteError(InviteProblem.PAIRED)
    await take(session, invite, now)
    role = Role(invite.role)
    held = next((r for r in user.roles if r.role == role), None)
    if held is None:
        held = UserRole(role=role, form=DEFAULT_FORM[role], created_at=now)
        user.roles.append(held)
    for other in user.roles:
        if other.school_id != invite.school_id:
            other.school_id, other.confirmed_at = invite.school_id, None
    held.is_active, held.confirmed_at = True, now
    if user.profile is None:
        user.profile = Profile()
    user.profile.school = await session.get(School, invite.school_id)
    await session.flush()
    return role
