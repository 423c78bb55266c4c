"""The individual plan (ИОМ) of a pair: edited by the mentor, ticked off by either side."""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from models import Pair, PlanItem, User
from services import pairs
from services.errors import StaleAction

MAX_GOAL = 300
MAX_ITEMS = 30
DATE_PATTERN = re.compile(r"^(\d{1,2})\.(\d{1,2})(?:\.(\d{2}|\d{4}))?$")


def parse_due(text: str, today: date) -> date:
    """«15.12», «15.12.2026» or «15.12.26»; a day without a year is the next such day.

    Raises ValueError for anything else, or for a date more than a school year away.
    """
    match = DATE_PATTERN.match(text.strip())
    if match is None:
        raise ValueError("not a date")
    day, month, year = match.groups()
    if year is None:
        due = date(today.year, int(month), int(day))
        if due < today:
            due = due.replace(year=today.year + 1)
    else:
        due = date(int(year) + (2000 if len(year) == 2 else 0), int(month), int(day))
    if not today - timedelta(days=31) <= due <= today + timedelta(days=400):
        raise ValueError("too far")
    return due


async def plan_pair(session: AsyncSession, pair_id: int, user: User, *,
                    mentor_only: bool = False) -> Pair:
    """The pair whose plan this person may see (or edit: mentor_only); StaleAction otherwise."""
    pair = await session.get(Pair, pair_id)
    joined = pairs.member(pair, user.id) if pair is not None else None
    if joined is None or pair.status != pairs.PairStatus.ACTIVE:
        raise StaleAction("not an active pair of this person")
    if mentor_only and joined.side != pairs.MENTOR:
        raise StaleAction("only the mentor edits the plan")
    return pair


async def _item(session: AsyncSession, item_id: int, user: User,
                mentor_only: bool) -> PlanItem:
    item = await session.get(PlanItem, item_id)
    if item is None:
        raise StaleAction("no such item")
    await plan_pair(session, item.pair_id, user, mentor_only=mentor_only)
    return item


async def add(session: AsyncSession, pair: Pair, goal: str, due: date | None) -> PlanItem:
    if len(pair.plan) >= MAX_ITEMS:
        raise StaleAction("the plan is full")
    position = max((i.position for i in pair.plan), default=-1) + 1
    item = PlanItem(position=position, goal=goal, due_on=due)
    pair.plan.append(item)
    await session.flush()
    return item


async def toggle(session: AsyncSession, item_id: int, user: User, now: datetime) -> PlanItem:
    item = await _item(session, item_id, user, mentor_only=False)
    if item.done_at is None:
        item.done_at, item.done_by = now, user.id
    else:
        item.done_at, item.done_by = None, None
    await session.flush()
    return item


async def delete(session: AsyncSession, item_id: int, user: User) -> tuple[Pair, int]:
    """The pair and where in its plan the item stood."""
    item = await _item(session, item_id, user, mentor_only=True)
    pair = await session.get(Pair, item.pair_id)
    position = pair.plan.index(item)
    pair.plan.remove(item)
    await session.flush()
    return pair, position
