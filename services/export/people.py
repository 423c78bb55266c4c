"""The bases of mentors and of mentees: a row per person in the scope."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

from domain.matching import WEAK_FROM
from domain.messengers import messenger_of
from domain.roles import Role
from models import (
    Profile,
)
from services import reports
from services.export.helpers import PairSpan, as_number, contact_link, person_name
from services.export.table import (
    LIST_SEPARATOR,
    MENTEE_ROLES,
    MENTOR_ROLES,
    Row,
)
from services.pairs import MENTEE, MENTOR, PairStatus


class PeopleTables:
    """Mixed into export.tables.Tables, whose lookups it uses."""
    # Base of mentors ---------------------------------------------------------------------------

    def _mentor_columns(self) -> list[tuple[str, int]]:
        return [("export-col-name", 32), ("export-col-role", 22), ("export-col-school", 24),
                ("export-col-form", 18), ("export-col-contact", 22),
                ("export-col-messenger", 12),
                ("export-col-parent-contact", 26), ("export-col-workplace", 36),
                ("export-col-competences", 40),
                ("export-col-experience", 10), ("export-col-mentor-types", 30),
                ("export-col-mentees", 36), ("export-col-dates", 24),
                ("export-col-results", 20), ("export-col-confirmed", 13)]

    async def _mentor_rows(self) -> AsyncIterator[Row]:
        query = self.people(MENTOR_ROLES, Profile.mentor_types, Profile.help_offered,
                            Profile.position, Profile.key_competences, Profile.parent_contact,
                            self.latest_strengths().label("strengths_id"),
                            self.latest_satisfaction().label("satisfaction_id"))
        async with self.stream(query) as partitions:
            async for part in partitions:
                ids = sorted({row.user_id for row in part})
                strengths = await self.strengths(row.strengths_id for row in part)
                satisfied = await self.satisfaction(row.satisfaction_id for row in part)
                pairs = await self.partner_pairs(ids, MENTOR)
                for row in part:
                    own = pairs.get(row.user_id, [])
                    yield [
                        person_name(row.full_name), self.prefixed("role-", row.role),
                        row.school or "", self.prefixed("form-", row.form),
                        contact_link(row.username, row.telegram_id),
                        self.prefixed("messenger-", messenger_of(row.telegram_id)),
                        self._parent_contact(row),
                        self._workplace(row), self._competences(row, strengths),
                        row.experience_years, self.options("mentor_types", row.mentor_types),
                        LIST_SEPARATOR.join(dict.fromkeys(
                            name for span in own for name in span.partner_names)),
                        self._dates(own),
                        self._results(self._pair_results(own), satisfied.get(row.satisfaction_id)),
                        self.day(row.confirmed_at),
                    ]

    @staticmethod
    def _parent_contact(row: Any) -> str:
        """A pupil's parent's contact: for the curators, in the export only (no card, message or
        summary of the bot shows it)."""
        if row.role in (Role.MENTOR_PUPIL, Role.MENTEE_PUPIL):
            return row.parent_contact or ""
        return ""

    def _workplace(self, row: Any) -> str:
        if row.role != Role.MENTOR_PUPIL and row.position:
            # As the mentor typed it in the profile.
            return f"{row.school}, {row.position}" if row.school else row.position
        if row.role == Role.MENTOR_PUPIL:
            position = (self.label("export-position-pupil-grade", grade=row.grade)
                        if row.grade is not None else self.label("export-position-pupil"))
        else:
            subjects = self.options("subjects", row.subjects)
            position = (self.label("export-position-teacher-subjects", subjects=subjects)
                        if subjects else self.label("export-position-teacher"))
        return f"{row.school}, {position}" if row.school else position

    def _competences(self, row: Any, strengths: dict[int, list[str]]) -> str:
        # Pupils take no diagnosis: what they offer to help with is their competence.
        if row.role == Role.MENTOR_PUPIL:
            return self.options("help_offered", row.help_offered)
        # What the mentor typed in the profile, then the strengths their diagnosis shows.
        return LIST_SEPARATOR.join(part for part in (
            row.key_competences, self.areas(strengths.get(row.strengths_id, []))) if part)

    def _dates(self, spans: list[PairSpan]) -> str:
        starts = [s.started_on for s in spans if s.started_on]
        ends = [s.end for s in spans if s.end]
        if not starts and not ends:
            return ""
        return f"{self.text(min(starts, default=None))} – {self.text(max(ends, default=None))}"

    def _results(self, found: str, satisfaction: str | None) -> str:
        """What the pairs or the diagnoses show, and the average of the latest satisfaction
        questionnaire."""
        parts = [found] if found else []
        if satisfaction is not None:
            parts.append(self.label("export-satisfaction-result", score=satisfaction))
        return LIST_SEPARATOR.join(parts)

    def _pair_results(self, spans: list[PairSpan]) -> str:
        if not spans:
            return ""
        done = sum(1 for s in spans if s.status == PairStatus.COMPLETED)
        return self.label("export-pairs-result", done=done, total=len(spans))

    # Base of mentees ---------------------------------------------------------------------------

    def _mentee_columns(self) -> list[tuple[str, int]]:
        return [("export-col-name", 32), ("export-col-role", 22), ("export-col-school", 24),
                ("export-col-form", 18), ("export-col-contact", 22),
                ("export-col-messenger", 12),
                ("export-col-parent-contact", 26), ("export-col-grade-or-experience", 30),
                ("export-col-request", 40),
                ("export-col-entered", 13), ("export-col-mentor", 32),
                ("export-col-completed", 13), ("export-col-results", 24),
                ("export-col-confirmed", 13)]

    async def _mentee_rows(self) -> AsyncIterator[Row]:
        query = self.people(MENTEE_ROLES, Profile.mentee_category, Profile.help_wanted,
                            Profile.parent_contact,
                            self.latest_satisfaction().label("satisfaction_id"))
        async with self.stream(query) as partitions:
            async for part in partitions:
                ids = sorted({row.user_id for row in part})
                teachers = sorted({row.user_id for row in part
                                   if row.role == Role.MENTEE_TEACHER})
                first, last = await self.diagnoses(teachers)
                satisfied = await self.satisfaction(row.satisfaction_id for row in part)
                pairs = await self.partner_pairs(ids, MENTEE)
                for row in part:
                    # The latest pair tells the mentor and the dates.
                    span = (pairs.get(row.user_id) or [None])[-1]
                    teacher = row.role == Role.MENTEE_TEACHER
                    entry = first.get(row.user_id) if teacher else None
                    yield [
                        person_name(row.full_name), self.prefixed("role-", row.role),
                        row.school or "", self.prefixed("form-", row.form),
                        contact_link(row.username, row.telegram_id),
                        self.prefixed("messenger-", messenger_of(row.telegram_id)),
                        # A pupil's parent's, for the curators only (nowhere else in the bot).
                        self._parent_contact(row),
                        self._standing(row),
                        self._request(entry) if teacher else self.options("help_wanted",
                                                                         row.help_wanted),
                        span.started_on if span else None,
                        LIST_SEPARATOR.join(span.partner_names) if span else "",
                        span.end if span else None,
                        self._results(self._progress(entry, last.get(row.user_id)),
                                      satisfied.get(row.satisfaction_id)),
                        self.day(row.confirmed_at),
                    ]

    def _standing(self, row: Any) -> str:
        if row.role == Role.MENTEE_PUPIL:
            return self.label("export-grade", grade=row.grade) if row.grade is not None else ""
        parts = []
        if row.experience_years is not None:
            parts.append(self.label("export-experience", years=row.experience_years))
        if row.mentee_category:
            parts.append(self.options("mentee_category", row.mentee_category))
        return LIST_SEPARATOR.join(parts)

    def _request(self, entry: dict | None) -> str:
        if not entry:
            return ""
        return self.areas(a for a in self.areas_order
                          if (score := as_number(entry.get(a))) is not None and score >= WEAK_FROM)

    @staticmethod
    def _progress(first: dict | None, last: dict | None) -> str:
        if not first:
            return ""
        before = reports.difficulty(first)
        if last is None or last is first:
            return str(before)
        return f"{before} → {reports.difficulty(last)}"
