"""Pairs and groups: proposing, mutual consent, ending; the bases of mentors and mentees the
matching works on; the individual plan proposed when a pair starts."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date, datetime, timedelta
from enum import StrEnum
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from domain import matching
from domain.roles import Form
from models import (
    Answer,
    Meeting,
    Pair,
    PairMember,
    PlanItem,
    Profile,
    Response,
    User,
)
from models.db import lock
from services import outbox, purposes
from services.errors import StaleAction
from services.people import full_name


class PairStatus(StrEnum):
    PROPOSED = "proposed"
    ACTIVE = "active"
    COMPLETED = "completed"
    CANCELLED = "cancelled"


OPEN = (PairStatus.PROPOSED, PairStatus.ACTIVE)
MENTOR, MENTEE = "mentor", "mentee"
AGREED, DECLINED = "agreed", "declined"
# The end reason of a pair a curator cancelled to give its mentee another mentor.
REASSIGNED = "reassign"
# The programme documents name these variants of «учитель – учитель»; the mentee's category picks
# the usual one and the curator may change it.
VARIANT_BY_CATEGORY = {
    "young_specialist": "experienced_young",
    "new_employee": "experienced_young",
    "attestation": "subject_expert",
    "contest": "subject_expert",
    "burnout": "leader_struggling",
}
PUPIL_VARIANT = "peer"
PLAN_STEP = timedelta(weeks=4)


def school_year_end(today: date) -> date:
    """31 May of the current school year, at least a month ahead (the programme's minimum)."""
    end = date(today.year + (1 if today.month >= 6 else 0), 5, 31)
    return max(end, today + timedelta(days=31))


def member(pair: Pair, user_id: int) -> PairMember | None:
    return next((m for m in pair.members if m.user_id == user_id), None)


def mentor_of(pair: Pair) -> PairMember:
    return next(m for m in pair.members if m.side == MENTOR)


def mentees_of(pair: Pair) -> list[PairMember]:
    return [m for m in pair.members if m.side == MENTEE]


def title(pair: Pair, people: dict[int, User]) -> dict[str, Any]:
    """«Mentor → mentees» by name, as a message parameter (the locale message "pair-title",
    rendered in the reader's language when the message is)."""
    return {"key": "pair-title", "params": {
        "mentor": full_name(people.get(mentor_of(pair).user_id)),
        "mentees": [full_name(people.get(m.user_id)) for m in mentees_of(pair)]}}


async def open_pairs_elsewhere(session: AsyncSession, user_id: int,
                               school_id: int | None) -> list[Pair]:
    """The person's proposed or active pairs in schools other than `school_id` (in any school
    for None)."""
    query = (select(Pair).join(PairMember, PairMember.pair_id == Pair.id)
             .where(PairMember.user_id == user_id, Pair.status.in_(OPEN)))
    if school_id is not None:
        query = query.where(Pair.school_id != school_id)
    return list((await session.scalars(query)).unique().all())


async def latest_answers(session: AsyncSession, user_ids: list[int],
                         code: str | None) -> dict[int, dict[str, Any]]:
    """The answers of each person's latest completed response to a questionnaire (none when no
    file serves the purpose)."""
    if not user_ids or code is None:
        return {}
    latest = (select(Response.user_id, func.max(Response.id).label("response_id"))
              .where(Response.questionnaire_code == code, Response.completed_at.is_not(None),
                     Response.user_id.in_(user_ids))
              .group_by(Response.user_id).subquery())
    rows = await session.execute(
        select(latest.c.user_id, Answer.question_id, Answer.value)
        .join(Answer, Answer.response_id == latest.c.response_id))
    answers: dict[int, dict[str, Any]] = {}
    for user_id, question_id, value in rows:
        answers.setdefault(user_id, {})[question_id] = value
    return answers


async def propose(session: AsyncSession, *, school_id: int, form: Form, mentor_id: int,
                  mentee_ids: list[int], created_by: int | None, variant: str | None = None,
                  now: datetime, agreed: Iterable[int] = ()) -> Pair:
    """A new pair waiting for both sides' consent; `agreed` are those who already said yes."""
    # The app's clock, not the wall clock: early warnings count a quiet pair's days from here.
    pair = Pair(school_id=school_id, form=form, variant=variant, status=PairStatus.PROPOSED,
                created_by=created_by, created_at=now)
    pair.members = [PairMember(user_id=mentor_id, side=MENTOR)] + [
        PairMember(user_id=mentee_id, side=MENTEE) for mentee_id in mentee_ids]
    pair.plan = []
    for joined in pair.members:
        if joined.user_id in set(agreed):
            joined.consent, joined.consent_at = AGREED, now
    session.add(pair)
    await session.flush()
    return pair


async def variant_for(session: AsyncSession, mentee_id: int,
                      form: Form = Form.TEACHER_TEACHER) -> str | None:
    """The usual variant of a new pair: by the mentee teacher's category; «равный – равному»
    for pupils (as a pupil's invitation makes); none for «учитель – ученик», whose variant the
    curator picks (handlers.matching)."""
    if form is Form.PUPIL_PUPIL:
        return PUPIL_VARIANT
    if form is not Form.TEACHER_TEACHER:
        return None
    category = await session.scalar(
        select(Profile.mentee_category).where(Profile.user_id == mentee_id))
    return VARIANT_BY_CATEGORY.get(category or "")


def revision(pair: Pair) -> int:
    """What a consent button names of the group it asks about: its newest member. A pupil
    joining a group makes a newer one, so an answer given to the group as it was does not count
    for the bigger group; a pupil leaving does not (the others agreed to more people than
    remain)."""
    return max(joined.id for joined in pair.members)


async def respond(session: AsyncSession, pair_id: int, user: User, agree: bool,
                  now: datetime, today: date, revision: int = 0) -> Pair:
    """One side's answer to the pair as it was at `revision`; the pair starts when everybody
    agreed, and ends at the first «no» (but a pupil's «no» to a group with other pupils only
    takes that pupil out of it, services.pairs.leaves_group). An answer to a group somebody
    joined since is stale.

    Both sides may answer at the same moment: the pair's row is locked first, and the answer
    and the start are conditional writes, so exactly one of them starts the pair (and one
    answer per person counts, however often it is pressed)."""
    await lock(session, Pair, pair_id)
    members = (await session.scalars(
        select(PairMember.id).where(PairMember.pair_id == pair_id))).all()
    # Revision 0: a button sent before groups existed, good only for a pair of two.
    if max(members, default=0) > revision and (revision or len(members) > 2):
        raise StaleAction("somebody joined the group since this was asked")
    answered = await session.scalar(
        update(PairMember)
        .where(PairMember.pair_id == pair_id, PairMember.user_id == user.id,
               PairMember.consent.is_(None),
               PairMember.pair_id.in_(select(Pair.id).where(Pair.status == PairStatus.PROPOSED)))
        .values(consent=AGREED if agree else DECLINED, consent_at=now)
        .returning(PairMember.id).execution_options(synchronize_session=False))
    if answered is None:
        raise StaleAction("no open proposal for this person")
    if agree or await _leave_group(session, pair_id, answered):
        await _start_if_all_agreed(session, pair_id, today)
    else:
        await session.execute(
            update(Pair).where(Pair.id == pair_id, Pair.status == PairStatus.PROPOSED)
            .values(status=PairStatus.CANCELLED, ended_at=now, end_reason="declined")
            .execution_options(synchronize_session=False))
    await session.flush()
    return await _fresh(session, pair_id)


async def _leave_group(session: AsyncSession, pair_id: int, member_id: int) -> bool:
    """A pupil who declines a «учитель – ученик» group with other pupils in it leaves it, so
    nothing counts them as a member any more (the others' answers stand: they agreed to more
    people than remain). False for a mentor's «no» or the last pupil's, which end the pair."""
    pair = await _fresh(session, pair_id)
    leaving = next(joined for joined in pair.members if joined.id == member_id)
    if pair.form != Form.TEACHER_PUPIL or leaving.side != MENTEE or len(mentees_of(pair)) < 2:
        return False
    pair.members.remove(leaving)
    await session.flush()
    return True


def leaves_group(pair: Pair, user: User) -> bool:
    """Whether the person's «no» took them out of a group that goes on without them."""
    return pair.status in OPEN and member(pair, user.id) is None


async def _start_if_all_agreed(session: AsyncSession, pair_id: int, today: date) -> None:
    waiting = select(PairMember.id).where(
        PairMember.pair_id == pair_id,
        (PairMember.consent.is_(None)) | (PairMember.consent != AGREED))
    started = await session.scalar(
        update(Pair).where(Pair.id == pair_id, Pair.status == PairStatus.PROPOSED,
                           ~waiting.exists())
        .values(status=PairStatus.ACTIVE, started_on=today)
        .returning(Pair.id).execution_options(synchronize_session=False))
    if started is not None:
        await _start(session, await _fresh(session, pair_id), today)


async def _fresh(session: AsyncSession, pair_id: int) -> Pair:
    """The pair as the database has it now (its members' consents included)."""
    return await session.scalar(select(Pair).where(Pair.id == pair_id)
                                .execution_options(populate_existing=True))


async def _start(session: AsyncSession, pair: Pair, today: date) -> None:
    """What a pair gets when it starts: a planned end and the proposed individual plan."""
    pair.planned_end = pair.planned_end or school_year_end(today)
    if pair.plan:
        return
    mentee_ids = [m.user_id for m in mentees_of(pair)]
    serving = purposes.of(session)
    deficits = await latest_answers(session, mentee_ids, serving.deficits)
    areas: list[str] = []
    for mentee_id in mentee_ids:
        areas += [a for a in matching.weakest_areas(deficits.get(mentee_id, {}), serving.areas)
                  if a not in areas]
    pair.plan = [PlanItem(position=index, goal="", area=area,
                          due_on=today + PLAN_STEP * (index + 1))
                 for index, area in enumerate(areas)]


async def note_decline_reason(session: AsyncSession, pair_id: int, user: User,
                              reason: str) -> Pair | None:
    pair = await session.get(Pair, pair_id)
    joined = member(pair, user.id) if pair is not None else None
    if joined is None or joined.consent != DECLINED or joined.decline_reason:
        return None
    joined.decline_reason = reason
    await session.flush()
    return pair


async def group_left_by(session: AsyncSession, pair_id: int, user: User) -> Pair | None:
    """The group the person left (None if they are in it again, or it is gone)."""
    pair = await session.get(Pair, pair_id)
    return pair if pair is not None and member(pair, user.id) is None else None


async def pairs_of(session: AsyncSession, user: User) -> list[Pair]:
    rows = await session.scalars(
        select(Pair).join(PairMember, PairMember.pair_id == Pair.id)
        .where(PairMember.user_id == user.id).order_by(Pair.created_at.desc(), Pair.id.desc()))
    return list(rows.unique().all())


async def school_pairs(session: AsyncSession, school_id: int) -> list[Pair]:
    rows = await session.scalars(
        select(Pair).where(Pair.school_id == school_id, Pair.status.in_(OPEN))
        .order_by(Pair.id))
    return list(rows.all())


async def end(session: AsyncSession, pair: Pair, now: datetime, *,
              status: PairStatus = PairStatus.COMPLETED,
              reason: str | None = None) -> list[Meeting]:
    """The pair's upcoming meetings, now cancelled, are returned for the notices. Raises
    StaleAction when the pair has ended already, also by a press at the same moment (the row is
    locked and read again first)."""
    await lock(session, Pair, pair.id)
    await session.refresh(pair, ["status"])
    if pair.status not in OPEN:
        raise StaleAction("the pair has already ended")
    pair.status, pair.ended_at, pair.end_reason = status, now, reason
    # Its future meetings are off, and nobody is reminded of them any more.
    upcoming = list((await session.scalars(select(Meeting).where(
        Meeting.pair_id == pair.id, Meeting.starts_at >= now,
        Meeting.status.in_(["proposed", "accepted"])))).all())
    for meeting in upcoming:
        meeting.status = "cancelled"
    await session.flush()
    for meeting in upcoming:
        await outbox.cancel(session, f"meeting:{meeting.id}:")
    return upcoming


ORDER_PATTERN = re.compile(r"^(?:№\s*)?(\S.{0,60}?)\s+(?:от\s+|of\s+|dated\s+)?"
                           r"(\d{1,2})\.(\d{1,2})\.(\d{4})$", re.IGNORECASE)
MIN_LENGTH, MAX_LENGTH = timedelta(days=28), timedelta(days=366)


async def set_order(session: AsyncSession, pair: Pair, typed: str) -> bool:
    """«12-О от 01.09.2026»: the school's order that formed the pair; False if unreadable."""
    match = ORDER_PATTERN.match(typed.strip())
    if match is None:
        return False
    number, day, month, year = match.groups()
    try:
        pair.order_date = date(int(year), int(month), int(day))
    except ValueError:
        return False
    pair.order_number = number
    await session.flush()
    return True


async def set_planned_end(session: AsyncSession, pair: Pair, end_on: date, today: date) -> bool:
    """From one month to one school year after the start; False outside that."""
    start = pair.started_on or today
    if not MIN_LENGTH <= end_on - start <= MAX_LENGTH:
        return False
    pair.planned_end = end_on
    await session.flush()
    return True


async def bind_chat(session: AsyncSession, pair: Pair, chat_id: int) -> None:
    pair.chat_id = chat_id
    await session.flush()


async def unbind_chat(session: AsyncSession, chat_id: int) -> None:
    await session.execute(update(Pair).where(Pair.chat_id == chat_id).values(chat_id=None))
    await session.flush()


async def move_chat(session: AsyncSession, old_id: int, new_id: int) -> None:
    await session.execute(update(Pair).where(Pair.chat_id == old_id).values(chat_id=new_id))
    await session.flush()


async def users_by_id(session: AsyncSession, ids: Iterable[int]) -> dict[int, User]:
    rows = await session.scalars(select(User).where(User.id.in_(list(ids))))
    return {user.id: user for user in rows}
