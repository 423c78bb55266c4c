from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, JsonValue, UtcDateTime, utcnow


class OutboxMessage(Base):
    """A message to send at a time: a reminder, a deadline, a notice.

    The database is the source of truth for every message the bot owes somebody; the scheduler
    only wakes up to send what is due, so a restart loses nothing and rebuilds nothing.
    """

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_due", "status", "due_at"),)

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                                index=True)
    chat_id: Mapped[int] = mapped_column(BigInteger)
    is_group: Mapped[bool] = mapped_column(Boolean, default=False)
    # Rendered when sent, in the recipient's language of that moment.
    text_key: Mapped[str] = mapped_column(String(64))
    params: Mapped[dict[str, Any] | None] = mapped_column(JsonValue)
    buttons: Mapped[list[Any] | None] = mapped_column(JsonValue)
    due_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Past this moment the message is pointless (a reminder of a meeting that has begun).
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Urgent messages ignore quiet hours.
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    # Planning the same reminder again updates it instead of adding a second one.
    dedupe_key: Mapped[str | None] = mapped_column(String(128), unique=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # The curator's reminder or announcement this message belongs to (no foreign key: adding
    # one to an existing SQLite table needs a table rebuild, and campaigns are never deleted).
    campaign_id: Mapped[int | None] = mapped_column(BigInteger, index=True)


class OutboxAbout(Base):
    """Whose data an owed message carries (a name, a contact, a text they typed), besides the
    recipient's: /delete_me removes every message about the person, sent or not."""

    __tablename__ = "outbox_about"

    outbox_id: Mapped[int] = mapped_column(ForeignKey("outbox.id", ondelete="CASCADE"),
                                           primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         primary_key=True, index=True)
