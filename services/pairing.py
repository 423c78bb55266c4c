"""Whom a curator may pair in a school, by form: the forms /match offers, the bases of mentees
and mentors the matching works on, and the form a button may name."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain import matching
from domain.profile import PupilMatching
from domain.pupil_matching import Pupil, PupilScoring, Teacher
from domain.roles import SIDES, Form, Role, Variant
from models import Pair, PairMember, Profile, User, UserRole
from models.db import lock
from services import purposes
from services.pairs import (
    AGREED,
    MENTEE,
    MENTOR,
    OPEN,
    REASSIGNED,
    PairStatus,
    latest_answers,
    mentees_of,
    mentor_of,
)

# The forms /match suggests pairs in. «ученик – ученик» is not one: pupils form those themselves
# with invitations (a curator reassigns one through «Переназначить»).
MATCH_FORMS = (Form.TEACHER_TEACHER, Form.TEACHER_PUPIL)

Bases = tuple[list[Any], list[Any], dict[int, str]]


async def forms_to_offer(session: AsyncSession, school_id: int) -> list[Form]:
    """The forms of /match the school has confirmed people for, on both sides."""
    roles = set((await session.scalars(
        select(UserRole.role).distinct()
        .where(UserRole.school_id == school_id, UserRole.is_active.is_(True),
               UserRole.confirmed_at.is_not(None)))).all())
    return [form for form in MATCH_FORMS if {role.value for role in SIDES[form]} <= roles]


async def open_mentee_ids(session: AsyncSession, school_id: int, form: Form) -> set[int]:
    """The school's mentees already in a proposed or active pair of the form."""
    rows = await session.scalars(
        select(PairMember.user_id).join(Pair, Pair.id == PairMember.pair_id)
        .where(Pair.school_id == school_id, Pair.status.in_(OPEN), Pair.form == form,
               PairMember.side == MENTEE))
    return set(rows.all())


async def mentees_taken(session: AsyncSession, mentor_ids: Iterable[int]) -> dict[int, int]:
    """How many mentees each mentor has in open pairs of every form (proposed ones hold their
    place)."""
    mentor_side = (select(PairMember.pair_id, PairMember.user_id)
                   .where(PairMember.side == MENTOR).subquery())
    rows = await session.execute(
        select(mentor_side.c.user_id, func.count(PairMember.id))
        .join(Pair, Pair.id == mentor_side.c.pair_id)
        .join(PairMember, (PairMember.pair_id == Pair.id) & (PairMember.side == MENTEE))
        .where(Pair.status.in_(OPEN), mentor_side.c.user_id.in_(list(mentor_ids)))
        .group_by(mentor_side.c.user_id))
    return {user_id: count for user_id, count in rows}


def _ids(values: Any) -> tuple[int, ...]:
    return tuple(int(v) for v in values or () if str(v).isdigit())


def _free(profile: Profile, taken: dict[int, int]) -> int:
    return max((profile.mentee_capacity or 1) - taken.get(profile.user_id, 0), 0)


async def bases(session: AsyncSession, school_id: int, form: Form = Form.TEACHER_TEACHER
                ) -> Bases:
    """The school's confirmed mentees not yet in an open pair of the form and its confirmed
    mentors of the form's roles (domain.roles.SIDES: mentee and mentor teachers for «учитель –
    учитель», pupils for «ученик – ученик», mentor teachers and pupil mentees for «учитель –
    ученик»), ready to match, with each mentor's free places (across all their open pairs), and
    everybody's name."""
    mentor_role, mentee_role = SIDES[form]
    rows = await session.execute(
        select(UserRole.user_id, UserRole.role, Profile)
        .join(Profile, Profile.user_id == UserRole.user_id)
        .where(UserRole.school_id == school_id, UserRole.is_active.is_(True),
               UserRole.confirmed_at.is_not(None),
               UserRole.role.in_([mentee_role, mentor_role])))
    people = [(user_id, Role(role), profile) for user_id, role, profile in rows]
    names = {user_id: profile.full_name or "—" for user_id, _, profile in people}
    paired = await open_mentee_ids(session, school_id, form)
    mentee_rows = [p for u, r, p in people if r is mentee_role and u not in paired]
    mentor_rows = [p for _, r, p in people if r is mentor_role]
    taken = await mentees_taken(session, [p.user_id for p in mentor_rows])
    if form is Form.TEACHER_PUPIL:
        return ([Pupil(p.user_id, frozenset(p.help_wanted or ()), p.grade) for p in mentee_rows],
                [Teacher(p.user_id, frozenset(p.subjects or ()), frozenset(p.mentor_types or ()),
                         _free(p, taken)) for p in mentor_rows], names)
    serving = purposes.of(session)
    mentee_ids, mentor_ids = [p.user_id for p in mentee_rows], [p.user_id for p in mentor_rows]
    deficits = await latest_answers(session, mentee_ids, serving.deficits)
    strengths = await latest_answers(session, mentor_ids, serving.strengths)
    wishes = await latest_answers(session, mentee_ids, serving.mentee_wishes)
    offers = await latest_answers(session, mentor_ids, serving.mentor_wishes)
    mentees = [matching.Mentee(
        id=p.user_id, subjects=frozenset(p.subjects or ()), deficits=deficits.get(p.user_id, {}),
        preferred_mentors=_ids(wishes.get(p.user_id, {}).get("preferred_mentors")),
    ) for p in mentee_rows]
    mentors = [matching.Mentor(
        id=p.user_id, subjects=frozenset(p.subjects or ()),
        mentor_types=frozenset(p.mentor_types or ()), strengths=strengths.get(p.user_id, {}),
        preferred_mentees=_ids(offers.get(p.user_id, {}).get("preferred_mentees")),
        free_slots=_free(p, taken),
    ) for p in mentor_rows]
    return mentees, mentors, names


def pupil_scoring(rules: PupilMatching | None) -> PupilScoring:
    """A teacher for a pupil, by the profile file's rules (none there: every pair scores
    alike)."""
    return PupilScoring(rules or PupilMatching(requests={}))


async def usual_variant(session: AsyncSession, rules: PupilMatching | None, pupil: Pupil,
                        replacing: int) -> Variant | None:
    """The variant of a «учитель – ученик» pair the curator is offered first: the replaced
    pair's (`replacing`, 0 for none), else the one the pupil's request suggests (the profile
    file's rules)."""
    replaced = await session.get(Pair, replacing) if replacing else None
    if replaced is not None and replaced.variant:
        return Variant(replaced.variant)
    return pupil_scoring(rules).usual_variant(pupil)


def scoring(session: AsyncSession, form: Form, rules: PupilMatching | None) -> matching.Scoring:
    """How the form's pairs are scored: teachers by diagnoses (over the areas of the content's
    deficits diagnosis) and preferences, a teacher for a pupil by the content's rules."""
    if form is Form.TEACHER_PUPIL:
        return pupil_scoring(rules)
    return matching.TeacherScoring(purposes.of(session).areas)


def suggest(session: AsyncSession, form: Form, rules: PupilMatching | None,
            mentees: Sequence[Any], mentors: Sequence[Any]) -> list[matching.Suggestion]:
    return matching.suggest(mentees, mentors, scoring(session, form, rules))


async def form_to_match(session: AsyncSession, mentee_id: int, school_id: int, form: Form,
                        replacing: int) -> Form | None:
    """The form in which a curator pairs a mentee of the school, as a button names it: from
    /match (`replacing` 0), a form /match offers the school; else the form of the pair it
    replaces, which must be a pair of the school cancelled for reassignment with this mentee in
    it. None for any other (a forged button), so a button can only name a form the bot offered
    for this mentee."""
    if not replacing:
        return form if form in await forms_to_offer(session, school_id) else None
    pair = await session.get(Pair, replacing)
    if pair is None or pair.school_id != school_id or pair.status != PairStatus.CANCELLED \
            or pair.end_reason != REASSIGNED or pair.form != form \
            or all(joined.user_id != mentee_id for joined in mentees_of(pair)):
        return None
    return form


def takes_pupils(pair: Pair) -> bool:
    """Whether further pupils may join the pair: a «учитель – ученик» pair nobody has started
    (in an active one the others would share contacts with a pupil before the pupil agreed)."""
    return pair.status == PairStatus.PROPOSED and pair.form == Form.TEACHER_PUPIL


async def group_candidates(session: AsyncSession, pair: Pair
                           ) -> tuple[list[Pupil], int, dict[int, str]]:
    """Who may join a proposed «учитель – ученик» pair as a further pupil, making it a group: the
    school's confirmed pupil mentees not in an open pair of the form; with the mentor's free
    places (0 when none, or the pair is not such a pair) and names."""
    if not takes_pupils(pair):
        return [], 0, {}
    pupils, teachers, names = await bases(session, pair.school_id, Form.TEACHER_PUPIL)
    mentor_id = mentor_of(pair).user_id
    free = next((t.free_slots for t in teachers if t.id == mentor_id), 0)
    return [p for p in pupils if p.id != mentor_id], free, names


async def add_pupil(session: AsyncSession, pair_id: int, pupil_id: int) -> Pair | None:
    """The pupil joins the proposed «учитель – ученик» pair as a further mentee, within the
    mentor's places. Everybody who agreed agreed to the group as it was (the pupils to sharing
    it with others they had not seen): their consent is asked again, so the group starts only
    when everybody agreed to it as it is now. None when the pupil or the place is not there (a
    stale or forged press)."""
    await lock(session, Pair, pair_id)
    pair = await session.get(Pair, pair_id, populate_existing=True)
    if pair is None:
        return None
    # Accepting a suggestion for this pupil, or one taking the mentor's last place, at the same
    # moment locks the pupil's row, then the mentor's (handlers.matching.on_accept_match): so do
    # we, in that order (no deadlock), and only then count places and the pupil's pairs.
    await lock(session, User, pupil_id)
    await lock(session, User, mentor_of(pair).user_id)
    pupils, free, _ = await group_candidates(session, pair)
    if free <= 0 or pupil_id not in {p.id for p in pupils}:
        return None
    pair.members.append(PairMember(user_id=pupil_id, side=MENTEE))
    for joined in pair.members:
        if joined.consent == AGREED:
            joined.consent, joined.consent_at = None, None
    await session.flush()
    return pair
