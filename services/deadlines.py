"""Stage deadlines and early warnings, planned once a day into the outbox.

Every message gets a key made of the school, the event, the school year and the person, so
running the planner again (after a restart, or twice a day) adds nothing twice.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from domain.calendar import Calendar, Event, school_year_of
from models import (
    CalendarChoice,
    Meeting,
    Pair,
    Profile,
    Response,
    User,
    UserRole,
)
from services import outbox, pairs, schools
from services.meetings import MeetingStatus
from services.people import full_name

QUIET_PAIR_DAYS = 21
NAMES_IN_DIGEST = 30
SILENT_AFTER = timedelta(days=2)
SILENT_WINDOW = timedelta(days=14)
Buttons = list[list[dict[str, Any]]]


async def _owing(session: AsyncSession, school_id: int, event: Event,
                 since: datetime) -> list[User]:
    """People the event concerns who have not completed its questionnaire since it opened."""
    done = (select(Response.user_id).where(
        Response.questionnaire_code == event.closes.questionnaire,
        Response.completed_at >= since).scalar_subquery())
    rows = await session.scalars(
        select(User).join(UserRole, UserRole.user_id == User.id)
        .where(UserRole.school_id == school_id, UserRole.is_active.is_(True),
               UserRole.role.in_(list(event.roles or [])), User.id.not_in(done))
        .order_by(User.id))
    return list(rows.unique().all())


def _moment(day: date, zone: ZoneInfo, hour: int = 10) -> datetime:
    return datetime.combine(day, datetime.min.time().replace(hour=hour), tzinfo=zone)


async def plan_deadlines(session: AsyncSession, calendars: dict[str, Calendar], now: datetime,
                         zone: ZoneInfo, root_curator_ids: set[int],
                         survey_button: Callable[[str], Buttons]) -> int:
    """Owe reminders to those who have not done an event yet (from a few days before its
    deadline) and, after the deadline, a digest of who is late to the school's curators."""
    today = now.astimezone(zone).date()

    async def curators_of_school(school_id: int) -> list[User]:
        return await schools.responsible_curators(session, school_id, root_curator_ids)

    year = school_year_of(today)
    planned = 0
    for chosen in (await session.scalars(select(CalendarChoice))).all():
        calendar = calendars.get(chosen.calendar_id)
        if calendar is None:
            continue
        for event in calendar.events():
            if event.closes is None or not event.roles:
                continue
            opens, due = event.window(year, chosen.shift_days)
            owing = await _owing(session, chosen.school_id, event, _moment(opens, zone, 0))
            title = event.title.model_dump()
            key = f"deadline:{chosen.school_id}:{event.id}:{year}"
            if due - timedelta(days=event.remind_days_before) <= today <= due:
                for person in owing:
                    await outbox.schedule(
                        session, kind="deadline", chat_id=person.telegram_id, user_id=person.id,
                        text_key="deadline-reminder",
                        params={"event": title, "due": due.strftime("%d.%m.%Y")},
                        buttons=survey_button(event.closes.questionnaire),
                        due_at=max(now, _moment(today, zone)),
                        dedupe_key=f"{key}:u{person.id}")
                    planned += 1
            elif today > due and owing:
                names = await _names(session, owing)
                for curator in await curators_of_school(chosen.school_id):
                    await outbox.schedule(
                        session, kind="late-digest", chat_id=curator.telegram_id,
                        user_id=curator.id, text_key="deadline-digest",
                        params={"event": title, "due": due.strftime("%d.%m.%Y"),
                                "count": len(owing), "names": names},
                        due_at=max(now, _moment(today, zone)),
                        dedupe_key=f"{key}:digest:c{curator.id}",
                        about=[person.id for person in owing[:NAMES_IN_DIGEST]])
                    planned += 1
    await session.flush()
    return planned


async def _names(session: AsyncSession, people: list[User],
                 limit: int = NAMES_IN_DIGEST) -> list[str]:
    """The first names of a list, as a message parameter (shown comma-separated)."""
    rows = await session.scalars(select(Profile.full_name).where(
        Profile.user_id.in_([p.id for p in people[:limit]])).order_by(Profile.full_name))
    names = [name or "—" for name in rows.all()]
    return names + ([f"… (+{len(people) - limit})"] if len(people) > limit else [])


async def _pair_title(session: AsyncSession, pair: Pair) -> dict:
    return pairs.title(pair, await pairs.users_by_id(session, [m.user_id for m in pair.members]))


async def plan_warnings(session: AsyncSession, now: datetime, root_curator_ids: set[int],
                        quiet_days: int = QUIET_PAIR_DAYS) -> int:
    """Early warnings for curators: active pairs without a meeting for `quiet_days`, meetings
    whose reminders and follow-up questions nobody answered, and participants who blocked the
    bot («формализованное наставничество» starts there)."""
    async def curators_of_school(school_id: int) -> list[User]:
        return await schools.responsible_curators(session, school_id, root_curator_ids)

    planned = 0
    week = now.strftime("%G-W%V")
    since = now - timedelta(days=quiet_days)
    last_meeting = (select(Meeting.pair_id, func.max(Meeting.starts_at).label("last"))
                    .where(Meeting.status == MeetingStatus.ACCEPTED, Meeting.starts_at <= now)
                    .group_by(Meeting.pair_id).subquery())
    quiet = await session.execute(
        select(Pair).outerjoin(last_meeting, last_meeting.c.pair_id == Pair.id)
        .where(Pair.status == pairs.PairStatus.ACTIVE,
               func.coalesce(last_meeting.c.last, Pair.created_at) < since))
    for pair in quiet.scalars().all():
        title = await _pair_title(session, pair)
        for curator in await curators_of_school(pair.school_id):
            await outbox.schedule(
                session, kind="warning", chat_id=curator.telegram_id, user_id=curator.id,
                text_key="warning-quiet-pair", params={"pair": title, "days": quiet_days},
                due_at=now, dedupe_key=f"warn:quiet:{pair.id}:{week}:c{curator.id}",
                about=[m.user_id for m in pair.members])
            planned += 1
    # Reminders and the questions after a meeting that nobody reacted to.
    silent = await session.scalars(select(Meeting).where(
        Meeting.status == MeetingStatus.ACCEPTED, Meeting.held.is_(None),
        Meeting.mentee_rating.is_(None),
        Meeting.starts_at < now - SILENT_AFTER, Meeting.starts_at > now - SILENT_WINDOW))
    for meeting in silent.all():
        pair = await session.get(Pair, meeting.pair_id)
        if pair.status != pairs.PairStatus.ACTIVE:
            continue
        title = await _pair_title(session, pair)
        for curator in await curators_of_school(pair.school_id):
            await outbox.schedule(
                session, kind="warning", chat_id=curator.telegram_id, user_id=curator.id,
                text_key="warning-no-reaction",
                params={"pair": title, "when": meeting.starts_at.strftime("%d.%m.%Y")},
                due_at=now, dedupe_key=f"warn:silent:{meeting.id}:c{curator.id}",
                about=[m.user_id for m in pair.members])
            planned += 1
    blocked = await session.execute(
        select(User, UserRole.school_id).join(UserRole, UserRole.user_id == User.id)
        .where(User.unreachable_at.is_not(None), UserRole.school_id.is_not(None))
        .distinct())
    for person, school_id in blocked.all():
        for curator in await curators_of_school(school_id):
            await outbox.schedule(
                session, kind="warning", chat_id=curator.telegram_id, user_id=curator.id,
                text_key="warning-unreachable", params={"name": full_name(person)}, due_at=now,
                about=[person.id],
                dedupe_key=f"warn:blocked:{person.id}:{person.unreachable_at:%Y%m%d}:c{curator.id}")
            planned += 1
    await session.flush()
    return planned

