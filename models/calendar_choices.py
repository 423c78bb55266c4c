from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UtcDateTime, utcnow


class CalendarChoice(Base):
    """The programme calendar a school follows, and by how many days it shifted it."""

    __tablename__ = "school_calendars"

    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id", ondelete="CASCADE"),
                                           primary_key=True)
    calendar_id: Mapped[str] = mapped_column(String(32))
    shift_days: Mapped[int] = mapped_column(Integer, default=0)
    chosen_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    chosen_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
