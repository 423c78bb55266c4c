"""Programme calendars: stages and their events with dates in the school year, read from files.

Dates are month and day («10-15»); a calendar is laid onto a school year (September to August),
so the same file serves every year, and a school may shift it by a number of days.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from pathlib import Path

from pydantic import Field, ValidationError, field_validator, model_validator

from domain.questionnaire import ID_PATTERN, DefinitionError, Strict, Text, _describe, load_yaml
from domain.roles import Role

MONTH_DAY = r"^(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$"
# A school year starts in September; August belongs to the preparation for it.
FIRST_MONTH = 8


class Closes(Strict):
    """What marks an event done for a person: completing a questionnaire."""

    questionnaire: str


class Event(Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: Text
    starts: str = Field(pattern=MONTH_DAY)
    due: str = Field(pattern=MONTH_DAY)
    roles: list[Role] | None = None
    closes: Closes | None = None
    remind_days_before: int = Field(default=3, ge=0, le=30)

    @field_validator("starts", "due")
    @classmethod
    def _real_day(cls, value: str) -> str:
        month, day = map(int, value.split("-"))
        date(2024, month, day)  # a leap year, so 02-29 is accepted
        return value

    @model_validator(mode="after")
    def _order(self) -> Event:
        if _position(self.due) < _position(self.starts):
            raise ValueError(f"event {self.id!r}: due {self.due} is before starts {self.starts}")
        return self

    def window(self, school_year: int, shift_days: int = 0) -> tuple[date, date]:
        shift = timedelta(days=shift_days)
        return (on_school_year(self.starts, school_year) + shift,
                on_school_year(self.due, school_year) + shift)


class Stage(Strict):
    id: str = Field(pattern=ID_PATTERN)
    title: Text
    events: list[Event] = Field(min_length=1)


class Calendar(Strict):
    id: str = Field(pattern=ID_PATTERN)
    version: int = Field(ge=1)
    title: Text
    source: str
    stages: list[Stage] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> Calendar:
        seen: set[str] = set()
        for event in self.events():
            if event.id in seen:
                raise ValueError(f"event id {event.id!r} is used twice")
            seen.add(event.id)
        return self

    def events(self) -> Iterable[Event]:
        for stage in self.stages:
            yield from stage.events

    def event(self, event_id: str) -> Event | None:
        return next((e for e in self.events() if e.id == event_id), None)


def _position(month_day: str) -> tuple[int, int]:
    month, day = map(int, month_day.split("-"))
    return ((month - FIRST_MONTH) % 12, day)


def school_year_of(today: date) -> int:
    """The year a school year starts in: 2026 for any day from August 2026 to July 2027."""
    return today.year if today.month >= FIRST_MONTH else today.year - 1


def on_school_year(month_day: str, school_year: int) -> date:
    month, day = map(int, month_day.split("-"))
    year = school_year if month >= FIRST_MONTH else school_year + 1
    if (month, day) == (2, 29) and year % 4:
        day = 28
    return date(year, month, day)


def load_calendars(directory: Path, questionnaire_ids: set[str]) -> dict[str, Calendar]:
    """Every calendar file, validated; a broken one stops start-up naming the file."""
    calendars: dict[str, Calendar] = {}
    for path in sorted(directory.glob("*.yaml")):
        try:
            calendar = Calendar.model_validate(load_yaml(path))
        except ValidationError as exc:
            raise DefinitionError(f"{path}: {_describe(exc)}") from exc
        if calendar.id != path.stem:
            raise DefinitionError(f"{path}: id {calendar.id!r} must match the file name")
        for event in calendar.events():
            if event.closes and event.closes.questionnaire not in questionnaire_ids:
                raise DefinitionError(f"{path}: event {event.id!r} closes an unknown "
                                      f"questionnaire {event.closes.questionnaire!r}")
        calendars[calendar.id] = calendar
    return calendars
