"""The time, as one app-wide object: production reads the system clock, tests move their own."""

from datetime import UTC, datetime


class Clock:
    def now(self) -> datetime:
        return datetime.now(UTC)
