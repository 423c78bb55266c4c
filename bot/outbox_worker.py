"""Sends what the outbox owes, when it is due: rendered in the recipient's language, delayed past
quiet hours, dropped when too old, and handed to the one delivery path.

APScheduler wakes the worker every few seconds; the due messages themselves stay rows in the
database, so a hundred thousand future reminders cost nothing at start-up.
"""

from __future__ import annotations

import asyncio
import logging
import socket
from datetime import UTC, timedelta
from zoneinfo import ZoneInfo

from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import update
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.config import Settings
from bot.delivery import Delivery, Outcome
from bot.html import HtmlFluentCore, Markup, lines, render_value
from models import OutboxMessage, User
from models.db import database_trouble
from services import outbox, outreach
from services.clock import Clock
from services.people import roles_of

log = logging.getLogger(__name__)
PUMP_SECONDS = 2
BATCH = 100
CONCURRENCY = 32


def render(core: HtmlFluentCore, locale: str, row: OutboxMessage,
           late: bool) -> tuple[Markup, InlineKeyboardMarkup | None]:
    params = {k: render_value(core, locale, v) for k, v in (row.params or {}).items()}
    text = core.get(row.text_key, locale, **params)
    if late:
        text = lines([core.get("outbox-late-note", locale), text])
    if not row.buttons:
        return text, None
    rows = [[InlineKeyboardButton(text=render_value(core, locale, button["label"]),
                                  callback_data=button["data"]) for button in line]
            for line in row.buttons]
    return text, InlineKeyboardMarkup(inline_keyboard=rows)


class OutboxWorker:
    def __init__(self, sessionmaker: async_sessionmaker, delivery: Delivery,
                 core: HtmlFluentCore, settings: Settings, clock: Clock,
                 policy: outbox.Policy | None = None, name: str | None = None) -> None:
        self.sessionmaker, self.delivery, self.core = sessionmaker, delivery, core
        self.settings, self.clock = settings, clock
        self.policy = policy or outbox.Policy()
        self.name = name or f"{socket.gethostname()}:{id(self):x}"
        self.auto_kick = True
        self._running = asyncio.Lock()
        self._slots = asyncio.Semaphore(CONCURRENCY)
        self._kicks: set[asyncio.Task] = set()

    def start(self, scheduler: AsyncIOScheduler) -> None:
        scheduler.add_job(self.pump_in_background, "interval", seconds=PUMP_SECONDS, id="outbox",
                          max_instances=1, coalesce=True, replace_existing=True)

    def kick(self) -> None:
        """Send what just became due without waiting for the next wake-up."""
        if self.auto_kick:
            task = asyncio.create_task(self.pump_in_background())
            self._kicks.add(task)
            task.add_done_callback(self._kicks.discard)

    async def drain(self) -> None:
        """Wait for the batch in hand to be sent and recorded."""
        async with self._running:
            pass

    async def pump_in_background(self) -> None:
        """pump() for the scheduler: a database that is away for a while is waited out (the
        next wake-up tries again) with a line in the log, not a traceback every two seconds."""
        try:
            await self.pump()
        except Exception as error:
            trouble = database_trouble(error)
            if trouble is None:
                raise
            log.warning("outbox: %s; will retry", trouble)

    async def pump(self) -> int:
        """Send every message due now; the number of rows handled."""
        handled = 0
        async with self._running:
            async with self.sessionmaker.begin() as session:
                await outbox.recover(session, self.clock.now(), self.policy)
            while True:
                async with self.sessionmaker.begin() as session:
                    rows = await outbox.claim_due(session, self.clock.now(), self.name, BATCH)
                if not rows:
                    if await self._report_campaigns():
                        continue  # the reports themselves are due now
                    return handled
                by_chat: dict[int, list[OutboxMessage]] = {}
                for row in rows:
                    by_chat.setdefault(row.chat_id, []).append(row)
                # Chats in parallel, each chat's messages in the order they fell due.
                await asyncio.gather(*(self._in_order(chat_rows)
                                       for chat_rows in by_chat.values()))
                handled += len(rows)

    async def _report_campaigns(self) -> int:
        """Tell each curator how their finished reminder or announcement went."""
        reported = 0
        async with self.sessionmaker() as session:
            finished = [(c.id, c.created_by, c.kind)
                        for c in await outreach.finished_unreported(session)]
        for campaign_id, created_by, kind in finished:
            async with self.sessionmaker.begin() as session:
                if not await outreach.mark_reported(session, campaign_id, self.clock.now()):
                    continue  # another process reports it
                if created_by is None:
                    continue
                creator = await session.get(User, created_by)
                counts = await outreach.tally(session, campaign_id)
                await outreach.keep_tally(session, campaign_id, counts)
                await outbox.schedule(
                    session, kind="campaign_report", chat_id=creator.telegram_id,
                    user_id=creator.id, text_key="outreach-report", due_at=self.clock.now(),
                    urgent=True, params={"what": {"key": f"outreach-kind-{kind}"},
                                         "total": counts.total, "delivered": counts.delivered,
                                         "unreachable": counts.unreachable,
                                         "failed": counts.failed})
            reported += 1
        return reported

    async def _in_order(self, rows: list[OutboxMessage]) -> None:
        async with self._slots:
            for row in rows:
                try:
                    await self._handle(row)
                except Exception:
                    log.exception("outbox row %s failed", row.id)
                    gave_up = row.attempts >= self.policy.max_attempts
                    async with self.sessionmaker.begin() as session:
                        await outbox.finish(
                            session, row.id,
                            outbox.Status.FAILED if gave_up else outbox.Status.PENDING,
                            self.clock.now(), error="internal error",
                            due_at=None if gave_up else self.clock.now() + self.policy.retry_delay)

    async def _handle(self, row: OutboxMessage) -> None:
        now = self.clock.now()
        async with self.sessionmaker.begin() as session:
            user = await session.get(User, row.user_id) if row.user_id else None
            zone = ZoneInfo((user and user.timezone) or self.settings.timezone)
            pupil = user is not None and bool(roles_of(user)) and not any(
                role.is_teacher for role in roles_of(user))
            decision, until = outbox.decide(row, now, zone, pupil, self.policy)
            if decision is outbox.Decision.DROP:
                log.warning("outbox row %s (%s) dropped: due %s, now %s", row.id, row.kind,
                            row.due_at, now)
                await outbox.finish(session, row.id, outbox.Status.DROPPED, now,
                                    error="too late")
                return
            if decision is outbox.Decision.POSTPONE:
                await outbox.finish(session, row.id, outbox.Status.PENDING, now,
                                    due_at=until.astimezone(UTC))
                return
            if user is not None and user.unreachable_at is not None:
                await outbox.finish(session, row.id, outbox.Status.FAILED, now,
                                    error="unreachable")
                return
            locale = (user and user.locale) or self.settings.default_locale
        text, markup = render(self.core, locale, row, decision is outbox.Decision.SEND_LATE)
        outcome, error = await self.delivery.send(row.chat_id, text, markup,
                                                  is_group=row.is_group)
        async with self.sessionmaker.begin() as session:
            if outcome is Outcome.SENT:
                await outbox.finish(session, row.id, outbox.Status.SENT, self.clock.now())
            elif outcome is Outcome.DEFERRED:
                # Not an attempt: the chat is busy (a group's minute is full, say).
                await outbox.finish(session, row.id, outbox.Status.PENDING, self.clock.now(),
                                    due_at=self.clock.now() + timedelta(seconds=float(error)),
                                    attempts=row.attempts - 1)
            elif outcome is Outcome.BLOCKED:
                if user is not None:
                    await session.execute(update(User).where(User.id == user.id)
                                          .values(unreachable_at=self.clock.now()))
                await outbox.finish(session, row.id, outbox.Status.FAILED, self.clock.now(),
                                    error=f"blocked: {error}")
            elif outcome is Outcome.FAILED and row.attempts < self.policy.max_attempts:
                await outbox.finish(session, row.id, outbox.Status.PENDING, self.clock.now(),
                                    error=error, due_at=now + self.policy.retry_delay)
            else:
                await outbox.finish(session, row.id, outbox.Status.FAILED, self.clock.now(),
                                    error=error)
