"""The demo's time: the real time moved forward by what the page asked for, so that a week of
reminders and deadlines can be seen in minutes. The shift is kept beside the demo's database:
a restart does not turn time back on messages already planned."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

from bot.demo.keeping import write_whole
from services.clock import Clock

log = logging.getLogger(__name__)
# When a new demo's time may begin: after the pupils' quiet hours, with a school day ahead.
SCHOOL_HOURS = (time(10), time(16))


class DemoClock(Clock):
    def __init__(self, path: Path | None = None) -> None:
        self.path = path
        self.shift = timedelta()
        if path is not None and path.exists():
            try:
                self.shift = timedelta(seconds=float(json.loads(path.read_text())["shift"]))
            except (ValueError, KeyError, TypeError):
                log.warning("demo clock: %s is unreadable; time starts from now", path)

    def begin_in_school_hours(self, zone: ZoneInfo) -> None:
        """A demo begun at night would have the pupils' notices held until the morning (quiet
        hours): a new one begins at the next school morning instead."""
        if self.path is not None and self.path.exists():
            return
        local = self.now().astimezone(zone)
        if not SCHOOL_HOURS[0] <= local.time() < SCHOOL_HOURS[1]:
            morning = datetime.combine(local.date(), SCHOOL_HOURS[0], zone)
            self.move_to(morning if morning > local else morning + timedelta(days=1))

    def now(self) -> datetime:
        return datetime.now(UTC) + self.shift

    def move_to(self, moment: datetime) -> None:
        """Never backwards: what was planned and sent stays in the past."""
        self.shift = max(self.shift, moment - datetime.now(UTC))
        if self.path is not None:  # whole or not at all: a torn file would reset time
            write_whole(self.path, json.dumps({"shift": self.shift.total_seconds()}))
