"""Which programme calendar a school follows, and by how many days it shifts its dates."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from models import CalendarChoice


async def choose(session: AsyncSession, school_id: int, calendar_id: str, by: int) -> None:
    chosen = await session.get(CalendarChoice, school_id)
    if chosen is None:
        session.add(CalendarChoice(school_id=school_id, calendar_id=calendar_id, shift_days=0,
                                   chosen_by=by))
    else:
        chosen.calendar_id, chosen.shift_days, chosen.chosen_by = calendar_id, 0, by
    await session.flush()


async def shift(session: AsyncSession, school_id: int, days: int) -> CalendarChoice | None:
    chosen = await session.get(CalendarChoice, school_id)
    if chosen is not None:
        chosen.shift_days = max(-60, min(60, chosen.shift_days + days))
        await session.flush()
    return chosen
