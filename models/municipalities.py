from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, UtcDateTime, utcnow


class Municipality(Base):
    """A municipality of the region: its schools point at it (School.municipality_id)."""

    __tablename__ = "municipalities"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # As a school's: lower-cased, single-spaced, «ё» as «е»; one municipality per name.
    normalized_name: Mapped[str] = mapped_column(String(200), unique=True)
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class MunicipalCoordinator(Base):
    """A municipal coordinator: curates every school of the municipality, whether or not they
    belong to any school themselves (appointed by a regional curator's invitation)."""

    __tablename__ = "municipal_coordinators"
    __table_args__ = (UniqueConstraint("municipality_id", "user_id"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    municipality_id: Mapped[int] = mapped_column(
        ForeignKey("municipalities.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    granted_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
