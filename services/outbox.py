"""Messages the bot owes people, kept in the database until sent.

A message is a row with its due time. Senders claim due rows in small batches; a claim is a
status change made under a row lock that other processes skip (`FOR UPDATE SKIP LOCKED` on
PostgreSQL; SQLite has one writer at a time), so two bot processes never send the same row.
A row is marked sent right after Telegram accepts it. A process that dies between the two leaves
the row claimed; after the lease it is taken back and sent again: at most one duplicate, and only
after a crash, never after an orderly restart, which finishes its batch first.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from enum import StrEnum
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import Campaign, OutboxAbout, OutboxMessage


class Status(StrEnum):
    PENDING = "pending"
    SENDING = "sending"
    SENT = "sent"
    DROPPED = "dropped"
    FAILED = "failed"
    CANCELLED = "cancelled"


# Messages sent (or failed, dropped, cancelled) are deleted this long after, with whatever they
# carried about people: data minimisation. Long enough to answer «did the reminder go out?».
KEEP_DONE = timedelta(days=30)
DONE = (Status.SENT, Status.FAILED, Status.DROPPED, Status.CANCELLED)


@dataclass(frozen=True)
class Policy:
    # A reminder missed during downtime is still worth sending within this window, with a note.
    grace: timedelta = timedelta(hours=6)
    late_after: timedelta = timedelta(minutes=5)
    lease: timedelta = timedelta(minutes=2)
    quiet_start: time = time(21, 0)
    quiet_end: time = time(8, 0)
    # Pupils are not disturbed in the evening either.
    pupil_quiet_start: time = time(20, 0)
    pupil_quiet_end: time = time(9, 0)
    retry_delay: timedelta = timedelta(minutes=5)
    max_attempts: int = 5


async def schedule(
    session: AsyncSession, *, kind: str, chat_id: int, text_key: str, due_at: datetime,
    user_id: int | None = None, params: dict[str, Any] | None = None,
    buttons: list[Any] | None = None, urgent: bool = False, is_group: bool = False,
    dedupe_key: str | None = None, expires_at: datetime | None = None,
    about: Iterable[int] = (),
) -> OutboxMessage:
    """Owe a message. Planning one with the same dedupe_key again moves the pending one.
    `about`: the people whose data the message carries besides the recipient (their name,
    contact or words), so that erasing one of them removes it."""
    row = None
    if dedupe_key is not None:
        row = await session.scalar(select(OutboxMessage).where(
            OutboxMessage.dedupe_key == dedupe_key))
    if row is None:
        row = OutboxMessage(kind=kind, dedupe_key=dedupe_key, status=Status.PENDING, attempts=0)
        session.add(row)
    elif row.status != Status.PENDING:
        return row  # already sent or on its way: planning it again must not repeat it
    row.chat_id, row.user_id, row.is_group = chat_id, user_id, is_group
    row.text_key, row.params, row.buttons = text_key, params, buttons
    row.due_at, row.urgent, row.expires_at = due_at, urgent, expires_at
    about = set(about) - {user_id}
    if about:
        await session.flush()
        known = set((await session.scalars(select(OutboxAbout.user_id).where(
            OutboxAbout.outbox_id == row.id))).all())
        session.add_all(OutboxAbout(outbox_id=row.id, user_id=person)
                        for person in sorted(about - known))
    return row


async def cancel(session: AsyncSession, dedupe_prefix: str) -> int:
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.dedupe_key.startswith(dedupe_prefix, autoescape=True),
               OutboxMessage.status == Status.PENDING)
        .values(status=Status.CANCELLED))
    await session.flush()
    return result.rowcount


async def prune(session: AsyncSession, now: datetime, keep: timedelta = KEEP_DONE) -> int:
    """Delete the messages done with for longer than `keep` (a campaign's once its curator has
    its report, which keeps the counts); what they carried about people goes with them."""
    reported = select(Campaign.id).where(Campaign.reported_at.is_not(None))
    result = await session.execute(delete(OutboxMessage).where(
        OutboxMessage.status.in_(DONE),
        func.coalesce(OutboxMessage.sent_at, OutboxMessage.due_at) < now - keep,
        or_(OutboxMessage.campaign_id.is_(None), OutboxMessage.campaign_id.in_(reported))))
    await session.flush()
    return result.rowcount


async def recover(session: AsyncSession, now: datetime, policy: Policy) -> int:
    """Take back rows claimed by a process that stopped without finishing them."""
    result = await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.status == Status.SENDING,
               OutboxMessage.claimed_at < now - policy.lease)
        .values(status=Status.PENDING, claimed_by=None))
    await session.flush()
    return result.rowcount


async def claim_due(session: AsyncSession, now: datetime, worker: str,
                    limit: int) -> list[OutboxMessage]:
    due = (select(OutboxMessage.id)
           .where(OutboxMessage.status == Status.PENDING, OutboxMessage.due_at <= now)
           .order_by(OutboxMessage.due_at, OutboxMessage.id).limit(limit)
           .with_for_update(skip_locked=True))
    ids = list((await session.scalars(due)).all())
    if not ids:
        return []
    batch = f"{worker}/{secrets.token_hex(6)}"
    # The status condition is checked again under the row lock, so a row claimed meanwhile by
    # another process is not claimed twice.
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(ids), OutboxMessage.status == Status.PENDING)
        .values(status=Status.SENDING, claimed_by=batch, claimed_at=now,
                attempts=OutboxMessage.attempts + 1))
    rows = await session.scalars(
        select(OutboxMessage)
        .where(OutboxMessage.claimed_by == batch, OutboxMessage.status == Status.SENDING)
        .order_by(OutboxMessage.due_at, OutboxMessage.id)
        .execution_options(populate_existing=True))
    return list(rows.all())


def quiet_until(local_now: datetime, start: time, end: time) -> datetime | None:
    """The local moment quiet hours end, if `local_now` falls inside them (they may span
    midnight), else None."""
    clock = local_now.timetz().replace(tzinfo=None)
    spans_midnight = start > end
    inside = (clock >= start or clock < end) if spans_midnight else (start <= clock < end)
    if not inside:
        return None
    day = local_now.date()
    if spans_midnight and clock >= start:
        day += timedelta(days=1)
    return datetime.combine(day, end, tzinfo=local_now.tzinfo)


class Decision(StrEnum):
    SEND = "send"
    SEND_LATE = "send_late"
    POSTPONE = "postpone"
    DROP = "drop"


def decide(row: OutboxMessage, now: datetime, zone: ZoneInfo, pupil: bool,
           policy: Policy) -> tuple[Decision, datetime | None]:
    """What to do with a claimed row now: send, send with a «late» note, postpone past quiet
    hours (with the new due time), or drop as too old."""
    late_by = now - row.due_at
    if late_by > policy.grace or (row.expires_at is not None and now >= row.expires_at):
        return Decision.DROP, None
    if not row.urgent and not row.is_group:
        start, end = ((policy.pupil_quiet_start, policy.pupil_quiet_end) if pupil
                      else (policy.quiet_start, policy.quiet_end))
        until = quiet_until(now.astimezone(zone), start, end)
        if until is not None:
            return Decision.POSTPONE, until
    if late_by > policy.late_after:
        return Decision.SEND_LATE, None
    return Decision.SEND, None


async def finish(session: AsyncSession, row_id: int, status: Status, now: datetime,
                 error: str | None = None, due_at: datetime | None = None,
                 attempts: int | None = None) -> None:
    """Record what happened to a claimed row; PENDING with due_at puts it back for later."""
    values: dict[str, Any] = {"status": status, "claimed_by": None, "last_error": error}
    if attempts is not None:
        values["attempts"] = attempts
    if status == Status.SENT:
        values["sent_at"] = now
    if due_at is not None:
        values["due_at"] = due_at
    await session.execute(update(OutboxMessage).where(OutboxMessage.id == row_id)
                          .values(**values))
    await session.flush()
