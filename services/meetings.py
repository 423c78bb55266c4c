"""Meetings of a pair and the reminders around them.

Reminders and the follow-up questions are outbox rows with keys derived from the meeting, so
moving or cancelling a meeting replans or withdraws exactly its own messages.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from enum import IntEnum, StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from models import Meeting, OutboxMessage, Pair, User
from models.db import lock
from services import outbox, pairs
from services.errors import StaleAction

MODELS = ("tell_listen", "show_watch", "together", "do_hint", "do_tell")
REPEAT_DAYS = {"once": 0, "weekly": 7, "biweekly": 14}
DEFAULT_REMINDERS = (24 * 60, 60)
MAX_SERIES = 40
# A meeting is proposed from a four-week day picker; later than this is no meeting the bot offered.
MAX_AHEAD = timedelta(days=60)
# The mentor who has not said whether a meeting took place is asked once more this long after
# the follow-up question (its end): one nudge, never repeated; answering withdraws it.
NUDGE_AFTER = timedelta(hours=24)
Buttons = list[list[dict[str, Any]]]


class MeetingLength(IntEnum):
    """How long a meeting lasts, in minutes: the proposer's choice among these."""

    HALF_HOUR = 30
    THREE_QUARTERS = 45
    HOUR = 60
    HOUR_AND_HALF = 90


DEFAULT_LENGTH = MeetingLength.HOUR


class MeetingStatus(StrEnum):
    PROPOSED = "proposed"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    CANCELLED = "cancelled"


def reminder_minutes(user: User) -> tuple[int, ...]:
    return DEFAULT_REMINDERS if user.reminder_minutes is None else tuple(user.reminder_minutes)


def local_text(moment: datetime, user: User, default_zone: str) -> str:
    return moment.astimezone(ZoneInfo(user.timezone or default_zone)).strftime("%d.%m.%Y %H:%M")


def ends_at(meeting: Meeting) -> datetime:
    return meeting.starts_at + timedelta(minutes=meeting.minutes)


def local_span(meeting: Meeting, user: User, default_zone: str) -> str:
    """When a meeting is, from its start to its end, in the person's time zone:
    «25.11.2026 15:30–16:30»."""
    ends = ends_at(meeting).astimezone(ZoneInfo(user.timezone or default_zone))
    return f"{local_text(meeting.starts_at, user, default_zone)}–{ends:%H:%M}"


async def propose(session: AsyncSession, pair: Pair, proposer: User, *, starts_at: datetime,
                  place: str, topic: str, model: str, repeat: str, now: datetime,
                  minutes: int = DEFAULT_LENGTH, counter_to: int | None = None) -> Meeting:
    """A proposal; `counter_to`: the meeting of the same pair it answers (another time asked
    for, or the meeting moved)."""
    if pairs.member(pair, proposer.id) is None or pair.status != pairs.PairStatus.ACTIVE:
        raise StaleAction("not an active pair of this person")
    if model not in MODELS or repeat not in REPEAT_DAYS or \
            minutes not in set(MeetingLength) or \
            not now < starts_at <= now + MAX_AHEAD:
        raise StaleAction("not a meeting that can be proposed")
    if counter_to is not None:
        original = await session.get(Meeting, counter_to)
        if original is None or original.pair_id != pair.id:
            raise StaleAction("not a meeting of this pair")
    meeting = Meeting(pair_id=pair.id, proposed_by=proposer.id, starts_at=starts_at, place=place,
                      topic=topic, model=model, repeat=repeat, status=MeetingStatus.PROPOSED,
                      minutes=MeetingLength(minutes).value, counter_to_id=counter_to)
    session.add(meeting)
    await session.flush()
    return meeting


async def _own(session: AsyncSession, meeting_id: int, user: User) -> tuple[Meeting, Pair]:
    """The meeting as it is now, its row locked: answers and moves at the same moment are
    decided one after the other."""
    await lock(session, Meeting, meeting_id)
    meeting = await session.get(Meeting, meeting_id, populate_existing=True)
    pair = await session.get(Pair, meeting.pair_id) if meeting is not None else None
    if pair is None or pairs.member(pair, user.id) is None:
        raise StaleAction("not this person's meeting")
    return meeting, pair


async def respond(session: AsyncSession, meeting_id: int, user: User, accept: bool,
                  now: datetime) -> tuple[Meeting, Pair]:
    """The other side accepts or declines; an accepted series gets its repeats up to the
    pair's planned end."""
    meeting, pair = await _own(session, meeting_id, user)
    if (meeting.status != MeetingStatus.PROPOSED or meeting.proposed_by == user.id
            or meeting.starts_at <= now):
        raise StaleAction("no proposal to answer")
    meeting.status = MeetingStatus.ACCEPTED if accept else MeetingStatus.DECLINED
    step = REPEAT_DAYS[meeting.repeat]
    if accept and step:
        last = pair.planned_end
        moment = meeting.starts_at + timedelta(days=step)
        for _ in range(MAX_SERIES):
            if last is not None and moment.date() > last:
                break
            session.add(Meeting(
                pair_id=pair.id, proposed_by=meeting.proposed_by, starts_at=moment,
                minutes=meeting.minutes, place=meeting.place, topic=meeting.topic,
                model=meeting.model, repeat=meeting.repeat, status=MeetingStatus.ACCEPTED,
                series_id=meeting.id))
            moment += timedelta(days=step)
    await session.flush()
    return meeting, pair


async def series(session: AsyncSession, meeting: Meeting) -> list[Meeting]:
    rows = await session.scalars(select(Meeting).where(
        (Meeting.id == meeting.id) | (Meeting.series_id == meeting.id)).order_by(
        Meeting.starts_at))
    return list(rows.all())


async def plan_messages(session: AsyncSession, meeting: Meeting, pair: Pair,
                        people: dict[int, User], now: datetime, default_zone: str, *,
                        reminder_buttons: Callable[[Meeting], Buttons],
                        followup_buttons: Callable[[Meeting, str], Buttons]) -> int:
    """Owe each member their reminders before the meeting and the follow-up after it, and the
    mentor one nudge NUDGE_AFTER the follow-up in case it stays unanswered."""
    planned = 0
    ends = ends_at(meeting)
    # The place and the topic are the proposer's words (kept raw: escaped when rendered).
    typed_by = [meeting.proposed_by] if meeting.proposed_by else []
    for joined in pair.members:
        person = people[joined.user_id]
        params = {"when": local_span(meeting, person, default_zone),
                  "place": meeting.place, "topic": meeting.topic}
        for minutes in reminder_minutes(person):
            due = meeting.starts_at - timedelta(minutes=minutes)
            if due <= now:
                continue
            await outbox.schedule(
                session, kind="meeting-reminder", chat_id=person.telegram_id, user_id=person.id,
                text_key="meeting-reminder", params=params, due_at=due,
                buttons=reminder_buttons(meeting), expires_at=meeting.starts_at,
                # An hour's notice cannot wait for quiet hours to end.
                urgent=minutes <= 120,
                dedupe_key=f"meeting:{meeting.id}:u{person.id}:before{minutes}",
                about=typed_by)
            planned += 1
        await outbox.schedule(
            session, kind="meeting-followup", chat_id=person.telegram_id, user_id=person.id,
            text_key=f"meeting-followup-{joined.side}", params=params, due_at=ends,
            buttons=followup_buttons(meeting, joined.side),
            dedupe_key=f"meeting:{meeting.id}:u{person.id}:after", about=typed_by)
        planned += 1
        if joined.side == pairs.MENTOR:
            await _nudge(session, meeting, person, params, ends + NUDGE_AFTER,
                         followup_buttons(meeting, joined.side))
            planned += 1
    await session.flush()
    return planned


def nudge_key(meeting: Meeting) -> str:
    return f"meeting:{meeting.id}:nudge"


async def _nudge(session: AsyncSession, meeting: Meeting, mentor: User, params: dict,
                 due_at: datetime, buttons: Buttons) -> None:
    await outbox.schedule(
        session, kind="meeting-nudge", chat_id=mentor.telegram_id, user_id=mentor.id,
        text_key="meeting-nudge", params=params, due_at=due_at, buttons=buttons,
        dedupe_key=nudge_key(meeting),
        about=[meeting.proposed_by] if meeting.proposed_by else [])


async def plan_missing_nudges(session: AsyncSession, now: datetime, default_zone: str,
                              followup_buttons: Callable[[Meeting, str], Buttons]) -> int:
    """The nudge of a meeting agreed before nudges were planned with it (an upgrade), owed by
    the daily planning when it falls due within a day either side of `now`: a meeting still
    unanswered whose nudge was never planned. One planned already (sent, withdrawn, pending)
    is left as it is, and the window keeps a sent one, deleted 30 days later, from coming back."""
    ends_from = now - NUDGE_AFTER - timedelta(days=1)
    ends_until = now - NUDGE_AFTER + timedelta(days=1)
    longest = timedelta(minutes=max(MeetingLength))
    candidates = [m for m in (await session.scalars(select(Meeting).where(
        Meeting.status == MeetingStatus.ACCEPTED, Meeting.held.is_(None),
        Meeting.starts_at > ends_from - longest, Meeting.starts_at <= ends_until))).all()
        if ends_from < ends_at(m) <= ends_until]
    if not candidates:
        return 0
    planned_already = set((await session.scalars(select(OutboxMessage.dedupe_key).where(
        OutboxMessage.dedupe_key.in_([nudge_key(m) for m in candidates])))).all())
    planned = 0
    for meeting in candidates:
        if nudge_key(meeting) in planned_already:
            continue
        pair = await session.get(Pair, meeting.pair_id)
        mentor = next((m for m in pair.members if m.side == pairs.MENTOR), None)
        person = await session.get(User, mentor.user_id) if mentor is not None else None
        if person is None or person.telegram_id is None:
            continue
        params = {"when": local_span(meeting, person, default_zone),
                  "place": meeting.place, "topic": meeting.topic}
        await _nudge(session, meeting, person, params, max(now, ends_at(meeting) + NUDGE_AFTER),
                     followup_buttons(meeting, pairs.MENTOR))
        planned += 1
    await session.flush()
    return planned


async def withdraw(session: AsyncSession, meeting_id: int, user: User) -> Meeting:
    """Cancel a meeting (to move it, say) and the messages it still owes."""
    meeting, _ = await _own(session, meeting_id, user)
    if meeting.status not in (MeetingStatus.PROPOSED, MeetingStatus.ACCEPTED):
        raise StaleAction("nothing to cancel")
    meeting.status = MeetingStatus.CANCELLED
    await outbox.cancel(session, f"meeting:{meeting.id}:")
    return meeting


async def record_held(session: AsyncSession, meeting_id: int, user: User,
                      held: bool) -> Meeting:
    meeting, pair = await _own(session, meeting_id, user)
    if pairs.member(pair, user.id).side != pairs.MENTOR or \
            meeting.status != MeetingStatus.ACCEPTED:
        raise StaleAction("only the mentor logs the meeting")
    meeting.held = held
    # Answered: the mentor is not asked again.
    await outbox.cancel(session, nudge_key(meeting))
    await session.flush()
    return meeting


async def record_note(session: AsyncSession, meeting_id: int, user: User, note: str) -> Meeting:
    meeting = await record_held(session, meeting_id, user, True)
    meeting.mentor_note = note
    await session.flush()
    return meeting


async def record_rating(session: AsyncSession, meeting_id: int, user: User,
                        rating: int) -> Meeting:
    meeting, pair = await _own(session, meeting_id, user)
    if (pairs.member(pair, user.id).side != pairs.MENTEE or not 1 <= rating <= 5
            or meeting.status != MeetingStatus.ACCEPTED):
        raise StaleAction("only the mentee rates, from 1 to 5")
    meeting.mentee_rating = rating
    await session.flush()
    return meeting


async def answered(session: AsyncSession, meetings: list[Meeting]) -> dict[int, Meeting]:
    """The meetings these counter-proposals answer, by id."""
    ids = {m.counter_to_id for m in meetings if m.counter_to_id is not None}
    if not ids:
        return {}
    rows = await session.scalars(select(Meeting).where(Meeting.id.in_(ids)))
    return {m.id: m for m in rows.all()}


async def of_person(session: AsyncSession, user: User) -> list[Meeting]:
    rows = await session.scalars(
        select(Meeting).join(Pair, Pair.id == Meeting.pair_id)
        .where(Pair.id.in_([p.id for p in await pairs.pairs_of(session, user)]),
               Meeting.status.in_([MeetingStatus.PROPOSED, MeetingStatus.ACCEPTED]))
        .order_by(Meeting.starts_at))
    return list(rows.all())
