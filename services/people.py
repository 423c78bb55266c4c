"""Registration, roles, profile fields and language of a person."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session

from domain.answering import AnswerError
from domain.questionnaire import Question
from domain.roles import DEFAULT_FORM, Form, Role
from models import Profile, School, User, UserRole
from models.base import utcnow
from models.db import insert_unless_present

PAYLOAD_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")


@dataclass(frozen=True)
class Registration:
    telegram_id: int
    locale: str
    start_payload: str | None
    username: str | None = None
    consent_version: str | None = None
    consented_at: datetime | None = None


def clean_payload(payload: str | None) -> str | None:
    """A deep-link payload as Telegram allows it, or None for anything else."""
    if payload and PAYLOAD_PATTERN.match(payload):
        return payload
    return None


async def register(session: AsyncSession, registration: Registration) -> User:
    """Store a person the moment they consent; a repeated consent keeps the first record (one
    conditional insert: two presses of «Согласен» at once make one person)."""
    consented_at = registration.consented_at or utcnow()
    created = await session.scalar(insert_unless_present(
        session, User, "telegram_id", telegram_id=registration.telegram_id,
        locale=registration.locale, consent_at=consented_at,
        consent_version=registration.consent_version, is_active=True,
        start_payload=registration.start_payload, username=registration.username,
        created_at=consented_at).returning(User.id))
    if created is not None:
        session.add(Profile(user_id=created))
    user = await session.scalar(select(User).where(User.telegram_id == registration.telegram_id)
                                .execution_options(populate_existing=True))
    if created is None and registration.start_payload:
        user.start_payload = registration.start_payload
    await session.flush()
    return user


async def keep_payload(session: AsyncSession, user: User, payload: str | None) -> None:
    if payload and payload != user.start_payload:
        user.start_payload = payload
        await session.flush()


def full_name(user: User | None) -> str:
    """A person's name as they typed it (raw: escaped where a message is rendered)."""
    if user is None or user.profile is None or not user.profile.full_name:
        return "—"
    return user.profile.full_name


def roles_of(user: User) -> list[Role]:
    return [Role(r.role) for r in user.roles if r.is_active]


def roles_with_forms(user: User) -> list[tuple[Role, Form]]:
    return [(Role(r.role), Form(r.form)) for r in user.roles if r.is_active]


async def add_role(session: AsyncSession, user: User, role: Role, now: datetime) -> bool:
    """Give the person a role (again) from `now`; False when they already hold it."""
    for held in user.roles:
        if held.role == role:
            if held.is_active:
                return False
            held.is_active = True
            await session.flush()
            return True
    school_id = user.profile.school_id if user.profile else None
    user.roles.append(UserRole(role=role, form=DEFAULT_FORM[role], school_id=school_id,
                               created_at=now))
    await session.flush()
    return True


# What a curator may write for a teacher mentor, for the base of mentors (Profile's columns).
MENTOR_DETAILS = ("position", "key_competences")


def mentor_detail_limit(detail: str) -> int:
    """The longest text a detail holds: its column's length, the one limit for the mentor's
    profile question and the curator's typing alike."""
    return Profile.__table__.c[detail].type.length


async def describe_mentor(session: AsyncSession, person: User, detail: str, text: str) -> None:
    """A curator fills in or corrects a teacher mentor's position or key competences, as typed
    (escaped where shown)."""
    if detail not in MENTOR_DETAILS or len(text) > mentor_detail_limit(detail):
        raise ValueError(detail)
    if person.profile is None:
        person.profile = Profile()
    setattr(person.profile, detail, text)
    await session.flush()


async def forget(session: AsyncSession, user: User) -> None:
    """The person and everything stored about them go (the database cascades to roles, profile,
    responses and answers). /delete_me keeps an anonymous row instead (services.privacy)."""
    await session.execute(delete(User).where(User.id == user.id))
    await session.flush()


def mark_reachable(session: Session, user_id: int) -> None:
    """Run inside a commit (bot.unit_of_work.FirstCommit), hence the plain Session; an UPDATE
    rather than an attribute, as the person may have been erased by then."""
    session.execute(update(User).where(User.id == user_id).values(unreachable_at=None))


async def set_locale(session: AsyncSession, user: User, locale: str) -> None:
    user.locale = locale
    await session.flush()


def normalize_school_name(name: str) -> str:
    return " ".join(name.replace("ё", "е").replace("Ё", "Е").split()).casefold()


async def school_named(session: AsyncSession, name: str) -> School:
    normalized = normalize_school_name(name)
    school = await session.scalar(select(School).where(School.normalized_name == normalized))
    if school is None:
        # Two people may type a new school at the same moment: the second finds the first's.
        await session.execute(insert_unless_present(
            session, School, "normalized_name", name=" ".join(name.split()),
            normalized_name=normalized, created_at=utcnow()))
        school = await session.scalar(select(School).where(School.normalized_name == normalized))
    return school


async def add_school(session: AsyncSession, name: str) -> tuple[School, bool]:
    """A school a regional curator adds by name (before anybody has named it): the school,
    and whether it is new (False: one of that name, in any case or spacing, was there)."""
    known = await session.scalar(
        select(School).where(School.normalized_name == normalize_school_name(name)))
    if known is not None:
        return known, False
    return await school_named(session, name), True


def profile_values(user: User) -> dict[str, Any]:
    """Profile columns as the profile form knows them (school by name)."""
    profile = user.profile
    if profile is None:
        return {}
    return {
        "full_name": profile.full_name,
        "school": profile.school.name if profile.school else None,
        "subjects": profile.subjects,
        "experience_years": profile.experience_years,
        "mentee_category": profile.mentee_category,
        "mentor_types": profile.mentor_types,
        "mentee_capacity": profile.mentee_capacity,
        "grade": profile.grade,
        "help_wanted": profile.help_wanted,
        "help_offered": profile.help_offered,
        "parent_contact": profile.parent_contact,
        "position": profile.position,
        "key_competences": profile.key_competences,
    }


async def save_profile_answer(
    session: AsyncSession, user: User, question: Question, value: Any
) -> None:
    """Raises AnswerError("school-locked") for a move to another school while in an open pair
    (the curator ends the pair first)."""
    profile = user.profile
    if profile is None:
        profile = user.profile = Profile()
    if question.field == "school":
        known = await session.scalar(select(School.id).where(
            School.normalized_name == normalize_school_name(value)))
        if known is None or known != profile.school_id:
            from services.pairs import open_pairs_elsewhere

            if await open_pairs_elsewhere(session, user.id, known):
                raise AnswerError("school-locked")
        school = await school_named(session, value)
        profile.school = school
        for held in user.roles:
            if held.school_id != school.id:
                # Another school: its curator confirms the person anew.
                held.school_id, held.confirmed_at = school.id, None
    else:
        setattr(profile, question.field, value)
    await session.flush()
