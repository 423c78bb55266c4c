"""A curator reaching many people at once: a reminder to those who have not completed a
questionnaire, or an announcement to a role, form or school. Each is a campaign whose messages
are outbox rows, so they take the rate-limited delivery path, respect quiet hours, survive a
restart, and their statuses tell the curator what was delivered."""

from __future__ import annotations

import hashlib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from models import Campaign, OutboxMessage, User, UserRole
from models.db import insert_unless_present
from services import reports
from services.outbox import Status

REMIND, BROADCAST = "remind", "broadcast"


@dataclass(frozen=True)
class Recipient:
    user_id: int
    telegram_id: int


@dataclass(frozen=True)
class Tally:
    total: int
    delivered: int
    unreachable: int
    failed: int
    waiting: int


async def laggard_recipients(session: AsyncSession, scope: reports.Scope, code: str,
                             roles: Iterable[str]) -> list[Recipient]:
    behind = {user_id for user_id, _, _ in await reports.laggards(session, scope, code, roles)}
    return await _recipients(session, behind)


def _audience(scope: reports.Scope, role: str | None):
    """Active people of the scope, of one role or all; a condition on User.id."""
    query = scope.roles(select(UserRole.user_id))
    if role is not None:
        query = query.where(UserRole.role == role)
    return (User.id.in_(query)) & User.is_active.is_(True)


async def audience(session: AsyncSession, scope: reports.Scope,
                   role: str | None) -> list[Recipient]:
    rows = await session.execute(
        select(User.id, User.telegram_id).where(_audience(scope, role)).order_by(User.id))
    return [Recipient(user_id, telegram_id) for user_id, telegram_id in rows]


async def audience_size(session: AsyncSession, scope: reports.Scope, role: str | None) -> int:
    """How many `audience` would reach, counted by the database."""
    return await session.scalar(select(func.count(User.id)).where(_audience(scope, role))) or 0


async def _recipients(session: AsyncSession, user_ids: set[int]) -> list[Recipient]:
    found: list[Recipient] = []
    ids = sorted(user_ids)
    # In slices: a region's list would exceed the database's limit on parameters.
    for start in range(0, len(ids), 5000):
        rows = await session.execute(select(User.id, User.telegram_id).where(
            User.id.in_(ids[start:start + 5000]), User.is_active.is_(True)))
        found += [Recipient(user_id, telegram_id) for user_id, telegram_id in rows]
    return found


class AlreadyLaunched(Exception):
    """This press launched its campaign already."""

    def __init__(self, campaign: Campaign) -> None:
        super().__init__(campaign.id)
        self.campaign = campaign


async def launch(session: AsyncSession, *, kind: str, creator_id: int,
                 recipients: list[Recipient], text_key: str, params: dict[str, Any],
                 buttons: list[Any] | None, now: datetime, dedupe: str, press: str,
                 audience_spec: dict[str, Any], text: str | None = None) -> tuple[Campaign, int]:
    """Owe every recipient the message, once per `dedupe` (a reminder of the day, a previewed
    announcement): reminding again the same day adds nobody twice. `press` names the button
    press that launches it; the campaign is taken with one conditional write on it, so the
    same press repeated (a double tap, a redelivery, another process) raises AlreadyLaunched.
    Returns the campaign and how many were skipped as already owed."""
    key = hashlib.sha256(f"{kind}:{creator_id}:{press}".encode()).hexdigest()[:64]
    campaign_id = await session.scalar(insert_unless_present(
        session, Campaign, "dedupe_key", kind=kind, created_by=creator_id,
        audience=audience_spec, text=text, recipients=0, created_at=now, dedupe_key=key,
    ).returning(Campaign.id))
    if campaign_id is None:
        raise AlreadyLaunched(await session.scalar(
            select(Campaign).where(Campaign.dedupe_key == key)))
    campaign = await session.get(Campaign, campaign_id)
    rows = [{"kind": kind, "user_id": r.user_id, "chat_id": r.telegram_id, "is_group": False,
             "text_key": text_key, "params": params, "buttons": buttons, "due_at": now,
             "urgent": False, "status": Status.PENDING,
             "dedupe_key": f"{kind}:{dedupe}:{r.user_id}", "attempts": 0,
             "campaign_id": campaign.id, "created_at": now} for r in recipients]
    # A row owed already (reminded today, or by another curator at the same moment) is
    # skipped by the insert itself; the campaign counts what it added.
    for start in range(0, len(rows), 1000):
        await session.execute(insert_unless_present(session, OutboxMessage, "dedupe_key"),
                              rows[start:start + 1000])
    campaign.recipients = await session.scalar(select(func.count(OutboxMessage.id)).where(
        OutboxMessage.campaign_id == campaign.id)) or 0
    if not campaign.recipients:
        campaign.reported_at = now  # nothing to wait for
    await session.flush()
    return campaign, len(recipients) - campaign.recipients


async def keep_tally(session: AsyncSession, campaign_id: int, counts: Tally) -> None:
    """The counts reported, kept on the campaign once its messages may be pruned."""
    await session.execute(update(Campaign).where(Campaign.id == campaign_id).values(
        delivered=counts.delivered, unreachable=counts.unreachable, failed=counts.failed))


def kept_tally(campaign: Campaign) -> Tally | None:
    if campaign.reported_at is None or campaign.delivered is None:
        return None
    return Tally(campaign.delivered + campaign.unreachable + campaign.failed,
                 campaign.delivered, campaign.unreachable, campaign.failed, 0)


async def tally(session: AsyncSession, campaign_id: int) -> Tally:
    rows = await session.execute(
        select(OutboxMessage.status, OutboxMessage.last_error, func.count())
        .where(OutboxMessage.campaign_id == campaign_id)
        .group_by(OutboxMessage.status, OutboxMessage.last_error))
    counts: Counter = Counter()
    for status, error, count in rows:
        if status == Status.SENT:
            counts["delivered"] += count
        elif status in (Status.PENDING, Status.SENDING):
            counts["waiting"] += count
        elif status == Status.FAILED and error and (
                error == "unreachable" or error.startswith("blocked")):
            counts["unreachable"] += count
        else:
            counts["failed"] += count
    return Tally(sum(counts.values()), counts["delivered"], counts["unreachable"],
                 counts["failed"], counts["waiting"])


async def finished_unreported(session: AsyncSession) -> list[Campaign]:
    """Campaigns with nothing left to send whose curator has not been told yet."""
    waiting = select(OutboxMessage.id).where(
        OutboxMessage.campaign_id == Campaign.id,
        OutboxMessage.status.in_([Status.PENDING, Status.SENDING]))
    rows = await session.scalars(select(Campaign).where(
        Campaign.reported_at.is_(None), ~waiting.exists()).order_by(Campaign.id))
    return list(rows.all())


async def mark_reported(session: AsyncSession, campaign_id: int, now: datetime) -> bool:
    """True for the one process that gets to report it."""
    result = await session.execute(update(Campaign).where(
        Campaign.id == campaign_id, Campaign.reported_at.is_(None)).values(reported_at=now))
    await session.flush()
    return result.rowcount == 1
