from datetime import datetime

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, UtcDateTime, utcnow


class Meeting(Base):
    """A meeting of a pair: proposed by one side, accepted or declined by the other; the mentor
    logs whether it took place, the mentee rates it."""

    __tablename__ = "meetings"
    __table_args__ = (Index("ix_meetings_pair_starts", "pair_id", "starts_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("pairs.id", ondelete="CASCADE"))
    proposed_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    starts_at: Mapped[datetime] = mapped_column(UtcDateTime)
    minutes: Mapped[int] = mapped_column(Integer, default=60)
    place: Mapped[str] = mapped_column(String(300))
    topic: Mapped[str] = mapped_column(String(300))
    # One of the five interaction models of programme 001.
    model: Mapped[str] = mapped_column(String(24))
    status: Mapped[str] = mapped_column(String(16), default="proposed")
    # The first meeting of a weekly or fortnightly series; its repeats point at it.
    series_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id", ondelete="SET NULL"))
    repeat: Mapped[str] = mapped_column(String(12), default="once")
    # A counter-proposal (another time asked for, or a meeting moved): the meeting it answers,
    # so that the history reads as one thread. Always a meeting of the same pair, so it goes
    # with it (a pair's meetings are deleted together, by the pair's cascade).
    counter_to_id: Mapped[int | None] = mapped_column(ForeignKey("meetings.id"))
    held: Mapped[bool | None]
    mentor_note: Mapped[str | None] = mapped_column(Text)
    mentee_rating: Mapped[int | None] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
