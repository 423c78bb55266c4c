"""The pairs, their meetings and individual plans, and a mentor's mentees' results."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, ScalarSelect, func, select
from sqlalchemy.orm import aliased

from models import (
    Meeting,
    Pair,
    PairMember,
    PlanItem,
    Profile,
    School,
)
from services.export.helpers import as_number, person_name
from services.export.table import Row
from services.meetings import MeetingStatus
from services.pairs import MENTEE, MENTOR


class WorkTables:
    """Mixed into export.tables.Tables, whose lookups it uses."""
    # Pairs -------------------------------------------------------------------------------------

    def _pair_columns(self) -> list[tuple[str, int]]:
        return [("export-col-pair", 8), ("export-col-school", 24), ("export-col-form", 18),
                ("export-col-variant", 30), ("export-col-status", 16),
                ("export-col-mentor", 32), ("export-col-mentees", 36),
                ("export-col-start", 13), ("export-col-planned-end", 13),
                ("export-col-end", 13), ("export-col-order-number", 12),
                ("export-col-order-date", 13), ("export-col-meetings-held", 12),
                ("export-col-meetings-unknown", 12), ("export-col-plan-done", 12),
                ("export-col-plan-total", 12)]

    def _mentor_side(self) -> tuple[Any, Any]:
        return aliased(PairMember), aliased(Profile)

    async def _pair_rows(self) -> AsyncIterator[Row]:
        mentor, mentor_profile = self._mentor_side()
        def past_meetings(held: ColumnElement) -> ScalarSelect:
            """As reports.past_meetings, per pair."""
            return (select(func.count(Meeting.id))
                    .where(Meeting.pair_id == Pair.id, Meeting.status == MeetingStatus.ACCEPTED,
                           held, Meeting.starts_at >= self.scope.since,
                           Meeting.starts_at < min(self.scope.until, self.now))
                    .correlate(Pair).scalar_subquery())

        held = past_meetings(Meeting.held.is_(True))
        # The follow-up unanswered: not counted as held.
        unknown = past_meetings(Meeting.held.is_(None))
        done = (select(func.count(PlanItem.id))
                .where(PlanItem.pair_id == Pair.id, PlanItem.done_at.is_not(None))
                .correlate(Pair).scalar_subquery())
        total = (select(func.count(PlanItem.id)).where(PlanItem.pair_id == Pair.id)
                 .correlate(Pair).scalar_subquery())
        query = self.pairs_filter(
            select(Pair.id, School.name, Pair.form, Pair.variant, Pair.status,
                   mentor_profile.full_name, Pair.started_on, Pair.planned_end, Pair.ended_at,
                   Pair.order_number, Pair.order_date, held, unknown, done, total)
            .join(School, School.id == Pair.school_id)
            .outerjoin(mentor, (mentor.pair_id == Pair.id) & (mentor.side == MENTOR))
            .outerjoin(mentor_profile, mentor_profile.user_id == mentor.user_id)
            .order_by(Pair.id), period=True)
        async with self.stream(query) as partitions:
            async for part in partitions:
                mentees = await self.mentee_names(row[0] for row in part)
                for (pair_id, school, form, variant, status, mentor_name, started, planned,
                     ended, order_number, order_date, held_count, unknown_count, done_count,
                     items) in part:
                    yield [pair_id, school, self.prefixed("form-", form),
                           self.prefixed("variant-", variant),
                           self.prefixed("pair-status-", status), person_name(mentor_name),
                           mentees.get(pair_id, ""), started, planned, self.day(ended),
                           order_number or "", order_date, held_count, unknown_count,
                           done_count, items]

    # Meetings ----------------------------------------------------------------------------------

    def _meeting_columns(self) -> list[tuple[str, int]]:
        return [("export-col-pair", 8), ("export-col-school", 24), ("export-col-mentor", 32),
                ("export-col-mentees", 36), ("export-col-when", 17),
                ("export-col-minutes", 8), ("export-col-place", 24),
                ("export-col-topic", 32), ("export-col-model", 30),
                ("export-col-status", 16), ("export-col-held", 11),
                ("export-col-note", 48), ("export-col-rating", 11),
                ("export-col-counter-to", 17)]

    async def _meeting_rows(self) -> AsyncIterator[Row]:
        mentor, mentor_profile = self._mentor_side()
        original = aliased(Meeting)
        query = self.pairs_filter(
            select(Meeting.pair_id, School.name, mentor_profile.full_name, Meeting.starts_at,
                   Meeting.minutes, Meeting.place, Meeting.topic, Meeting.model, Meeting.status,
                   Meeting.held, Meeting.mentor_note, Meeting.mentee_rating, original.starts_at)
            .join(Pair, Pair.id == Meeting.pair_id)
            .outerjoin(original, original.id == Meeting.counter_to_id)
            .join(School, School.id == Pair.school_id)
            .outerjoin(mentor, (mentor.pair_id == Pair.id) & (mentor.side == MENTOR))
            .outerjoin(mentor_profile, mentor_profile.user_id == mentor.user_id)
            .where(Meeting.starts_at >= self.scope.since, Meeting.starts_at < self.scope.until)
            .order_by(Meeting.starts_at, Meeting.id), period=False)
        async with self.stream(query) as partitions:
            async for part in partitions:
                mentees = await self.mentee_names(row[0] for row in part)
                for (pair_id, school, mentor_name, starts_at, minutes, place, topic, model,
                     status, held, note, rating, answered) in part:
                    yield [pair_id, school, person_name(mentor_name), mentees.get(pair_id, ""),
                           self.local(starts_at), minutes, place, topic,
                           self.prefixed("model-", model),
                           self.prefixed("export-meeting-status-", status),
                           self.held(status, starts_at, held),
                           note or "", rating, self.local(answered)]

    def held(self, status: str, starts_at: datetime, held: bool | None) -> str:
        """Yes, no, or unknown for an agreed meeting begun that nobody logged."""
        if held is None and status == MeetingStatus.ACCEPTED and starts_at < self.now:
            return self.label("export-held-unknown")
        return self.yes_no(held)

    # Individual plans --------------------------------------------------------------------------

    def _plan_columns(self) -> list[tuple[str, int]]:
        return [("export-col-pair", 8), ("export-col-mentor", 32), ("export-col-mentees", 36),
                ("export-col-number", 5), ("export-col-goal", 48), ("export-col-area", 36),
                ("export-col-due", 13), ("export-col-done", 13)]

    async def _plan_rows(self) -> AsyncIterator[Row]:
        mentor, mentor_profile = self._mentor_side()
        query = self.pairs_filter(
            select(PlanItem.pair_id, mentor_profile.full_name, PlanItem.goal, PlanItem.area,
                   PlanItem.due_on, PlanItem.done_at)
            .join(Pair, Pair.id == PlanItem.pair_id)
            .outerjoin(mentor, (mentor.pair_id == Pair.id) & (mentor.side == MENTOR))
            .outerjoin(mentor_profile, mentor_profile.user_id == mentor.user_id)
            .order_by(PlanItem.pair_id, PlanItem.position, PlanItem.id), period=True)
        current, number = None, 0
        async with self.stream(query) as partitions:
            async for part in partitions:
                mentees = await self.mentee_names(row[0] for row in part)
                for pair_id, mentor_name, goal, area, due_on, done_at in part:
                    # Numbered as /plan shows them.
                    number = number + 1 if pair_id == current else 1
                    current = pair_id
                    if not goal and area:
                        goal = self.label("plan-area-goal", area=self.prefixed("area-", area))
                    yield [pair_id, person_name(mentor_name), mentees.get(pair_id, ""), number,
                           goal or "", self.prefixed("area-", area), due_on, self.day(done_at)]

    # Results of the mentor's mentees -----------------------------------------------------------

    def _result_columns(self) -> list[tuple[str, int]]:
        return [("export-col-mentee", 32), ("export-col-area", 40), ("export-col-before", 8),
                ("export-col-after", 8)]

    async def _result_rows(self) -> AsyncIterator[Row]:
        query = self.pairs_filter(
            select(PairMember.user_id, Profile.full_name)
            .join(Pair, Pair.id == PairMember.pair_id)
            .outerjoin(Profile, Profile.user_id == PairMember.user_id)
            .where(PairMember.side == MENTEE)
            .distinct().order_by(Profile.full_name, PairMember.user_id), period=False)
        # One mentor's mentees: a handful of people.
        mentees = list((await self.session.execute(query)).all())
        first, last = await self.diagnoses([user_id for user_id, _ in mentees])
        for user_id, name in mentees:
            if user_id not in first:
                continue
            before, after = first[user_id], last[user_id]
            for area in self.areas_order:
                yield [person_name(name), self.prefixed("area-", area), as_number(before.get(area)),
                       None if after is before else as_number(after.get(area))]
