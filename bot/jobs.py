"""Daily planning: stage deadlines, late digests, early warnings and the meeting nudges that
were never planned go into the outbox."""

from __future__ import annotations

import logging
from collections.abc import Callable
from datetime import timedelta
from zoneinfo import ZoneInfo

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.config import Settings
from bot.outbox_worker import OutboxWorker
from domain.calendar import Calendar
from models import MaxMessage, Meeting, ProcessedUpdate, User
from models.db import database_trouble
from services import deadlines, meetings, outbox
from services.clock import Clock
from services.deadlines import Buttons

log = logging.getLogger(__name__)
PLAN_AT_HOUR = 9
# Telegram keeps an undelivered update for 24 hours; a mark older than that guards nothing.
KEEP_PROCESSED = timedelta(days=2)


class DailyPlanner:
    def __init__(self, sessionmaker: async_sessionmaker, calendars: dict[str, Calendar],
                 settings: Settings, clock: Clock, worker: OutboxWorker,
                 survey_button: Callable[[str], Buttons],
                 followup_buttons: Callable[[Meeting, str], Buttons]) -> None:
        """`survey_button`: the buttons a deadline reminder carries to its questionnaire;
        `followup_buttons`: those of the question after a meeting, which its nudge repeats (the
        handlers' callback data, given by the factory that wires both)."""
        self.sessionmaker, self.calendars, self.settings = sessionmaker, calendars, settings
        self.clock, self.worker, self.survey_button = clock, worker, survey_button
        self.followup_buttons = followup_buttons

    def start(self, scheduler: AsyncIOScheduler) -> None:
        # Also right away: a bot started late in the day still plans today's messages.
        scheduler.add_job(self.plan_in_background, "cron", hour=PLAN_AT_HOUR, id="daily-plan",
                          timezone=self.settings.timezone, replace_existing=True,
                          coalesce=True, max_instances=1)
        scheduler.add_job(self.plan_in_background, id="plan-on-start", replace_existing=True)
        scheduler.add_job(self.forget_old_updates, "interval", hours=1, id="forget-old-updates",
                          replace_existing=True, coalesce=True, max_instances=1)
        scheduler.add_job(self.prune_outbox, "interval", hours=1, id="prune-outbox",
                          replace_existing=True, coalesce=True, max_instances=1)
        scheduler.add_job(self.forget_erased_max_messages, "interval", hours=1,
                          id="forget-erased-max-messages", replace_existing=True,
                          coalesce=True, max_instances=1)

    async def forget_old_updates(self) -> int:
        async with self.sessionmaker.begin() as session:
            result = await session.execute(delete(ProcessedUpdate).where(
                ProcessedUpdate.processed_at < self.clock.now() - KEEP_PROCESSED))
        return result.rowcount

    async def forget_erased_max_messages(self) -> int:
        """The ids of MAX messages sent to somebody who is no longer there: /delete_me erases
        theirs, but its goodbye is kept after the erasure (bot.max.message_ids)."""
        async with self.sessionmaker.begin() as session:
            result = await session.execute(delete(MaxMessage).where(
                MaxMessage.chat_id > 0,
                MaxMessage.chat_id.not_in(select(User.telegram_id))))
        return result.rowcount

    async def prune_outbox(self) -> int:
        """Messages done with for 30 days go, with what they said about people."""
        async with self.sessionmaker.begin() as session:
            return await outbox.prune(session, self.clock.now())

    async def plan_in_background(self) -> None:
        """run() for the scheduler. Processes sharing a region's database plan at the same
        moments (each at its start, all at 09:00): when another one wrote the same message
        first, its plan stands and this one's is dropped whole (one transaction), with a line
        in the log; a database away for a while is waited out until the next planning."""
        try:
            await self.run()
        except IntegrityError:
            log.info("daily planning: another process planned the same messages just now")
        except Exception as error:
            trouble = database_trouble(error)
            if trouble is None:
                raise
            log.warning("daily planning: %s; will plan at the next turn", trouble)

    async def run(self) -> int:
        now = self.clock.now()
        async with self.sessionmaker.begin() as session:
            planned = await deadlines.plan_deadlines(
                session, self.calendars, now, ZoneInfo(self.settings.timezone),
                set(self.settings.curator_ids), self.survey_button)
            planned += await deadlines.plan_warnings(session, now,
                                                     set(self.settings.curator_ids))
            planned += await meetings.plan_missing_nudges(session, now, self.settings.timezone,
                                                          self.followup_buttons)
        log.info("daily planning: %d messages owed", planned)
        self.worker.kick()
        return planned
