from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    Index,
    Integer,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, BigId, UtcDateTime, utcnow


class Pair(Base):
    """A mentor with one mentee (a pair) or several (a group)."""

    __tablename__ = "pairs"
    __table_args__ = (Index("ix_pairs_school_status", "school_id", "status"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    school_id: Mapped[int] = mapped_column(ForeignKey("schools.id"))
    form: Mapped[str] = mapped_column(String(32))
    variant: Mapped[str | None] = mapped_column(String(48))
    status: Mapped[str] = mapped_column(String(16), default="proposed")
    started_on: Mapped[date | None] = mapped_column(Date)
    planned_end: Mapped[date | None] = mapped_column(Date)
    ended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    end_reason: Mapped[str | None] = mapped_column(Text)
    order_number: Mapped[str | None] = mapped_column(String(64))
    order_date: Mapped[date | None] = mapped_column(Date)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # A Telegram group chat bound with /link: the pair's notices also go there.
    chat_id: Mapped[int | None] = mapped_column(BigInteger, index=True)

    members: Mapped[list["PairMember"]] = relationship(
        back_populates="pair", lazy="selectin", cascade="all, delete-orphan",
        order_by="PairMember.id",
    )
    plan: Mapped[list["PlanItem"]] = relationship(
        back_populates="pair", lazy="selectin", cascade="all, delete-orphan",
        order_by="PlanItem.position",
    )


class PairMember(Base):
    __tablename__ = "pair_members"
    __table_args__ = (UniqueConstraint("pair_id", "user_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("pairs.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    side: Mapped[str] = mapped_column(String(8))
    # None until asked and answered; «Назначение наставника производится при обоюдном согласии».
    consent: Mapped[str | None] = mapped_column(String(8))
    consent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    decline_reason: Mapped[str | None] = mapped_column(Text)

    pair: Mapped[Pair] = relationship(back_populates="members")


class PlanItem(Base):
    """One item of the individual plan (ИОМ)."""

    __tablename__ = "plan_items"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    pair_id: Mapped[int] = mapped_column(ForeignKey("pairs.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    goal: Mapped[str] = mapped_column(Text)
    area: Mapped[str | None] = mapped_column(String(32))
    due_on: Mapped[date | None] = mapped_column(Date)
    done_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    done_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    pair: Mapped[Pair] = relationship(back_populates="plan")
