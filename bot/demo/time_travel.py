"""«Перемотать время»: the demo's clock is moved forward in steps, stopping at every moment the
bot owes something (a message falling due in the outbox, the daily planning at 09:00), so that
each reminder, deadline and warning goes out at its own moment, in order, as it would have if
the time had really passed. Only the demo has this; production reads the system clock."""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import async_sessionmaker

from bot.demo.clock import DemoClock
from bot.jobs import PLAN_AT_HOUR, DailyPlanner
from bot.outbox_worker import OutboxWorker
from models import OutboxMessage
from services import outbox

# A week with every stop is some dozens of steps; this bounds a loop gone wrong.
MAX_STEPS = 2000
LONGEST = timedelta(days=31)
CHECK_SECONDS = 60.0


class TimeTravel:
    def __init__(self, clock: DemoClock, sessionmaker: async_sessionmaker, worker: OutboxWorker,
                 planner: DailyPlanner, timezone: str,
                 sleep: Callable[[float], Awaitable[None]] = asyncio.sleep) -> None:
        self.clock, self.sessionmaker = clock, sessionmaker
        self.worker, self.planner = worker, planner
        self.zone = ZoneInfo(timezone)
        self.busy = False
        self.sleep = sleep
        # The last daily planning run, by the time moved or by the day's own turn.
        self.last_planning = datetime.min.replace(tzinfo=UTC)
        self._one_at_a_time = asyncio.Lock()

    async def forward(self, by: timedelta) -> datetime:
        """Move the clock `by` forward, sending what falls due on the way; the new time."""
        if not timedelta() < by <= LONGEST:
            raise ValueError(f"time moves forward by up to {LONGEST.days} days")
        async with self._one_at_a_time:
            self.busy = True
            try:
                target = self.clock.now() + by
                # What is owed already goes out now, not at the first stop ahead.
                await self.worker.pump()
                for _ in range(MAX_STEPS):
                    now = self.clock.now()
                    if now >= target:
                        break
                    planning = self.next_planning(now)
                    step = min(target, planning, await self.next_due(now) or target)
                    self.clock.move_to(step)
                    if step == planning:
                        await self.planner.run()
                        self.last_planning = planning
                    await self.worker.pump()
            finally:
                self.busy = False
            return self.clock.now()

    async def plan_daily(self) -> None:
        """The daily planning at 09:00 of the demo's time, until cancelled. The scheduler's
        daily job follows the real clock, which the demo's is ahead of by any amount, so the
        demo plans by its own (bot.demo.run removes that job)."""
        while True:
            due = self.next_planning(self.clock.now())
            while (left := (due - self.clock.now()).total_seconds()) > 0:
                await self.sleep(min(left, CHECK_SECONDS))  # time may be moved meanwhile
            async with self._one_at_a_time:
                if self.last_planning < due:  # not already run by time moved past it
                    await self.planner.run()
                    self.last_planning = due

    def next_planning(self, now: datetime) -> datetime:
        """The next daily planning (bot.jobs) after `now`."""
        local = now.astimezone(self.zone)
        moment = datetime.combine(local.date(), time(PLAN_AT_HOUR), self.zone)
        if moment <= local:
            moment += timedelta(days=1)
        return moment.astimezone(UTC)

    async def next_due(self, now: datetime) -> datetime | None:
        """When the next message owed falls due, if after `now` (those due already are sent by
        the pump at once)."""
        async with self.sessionmaker() as session:
            # min() keeps the column's type, which returns moments in UTC.
            return await session.scalar(select(func.min(OutboxMessage.due_at)).where(
                OutboxMessage.status == outbox.Status.PENDING, OutboxMessage.due_at > now))
