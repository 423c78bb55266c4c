from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, JsonValue, UtcDateTime, utcnow


class Campaign(Base):
    """A reminder or an announcement a curator sent to many people at once; its messages are
    outbox rows carrying its id, so their statuses tell what was delivered."""

    __tablename__ = "campaigns"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16))
    created_by: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"))
    # Who it was for: schools, form, role, questionnaire, as the curator chose them.
    audience: Mapped[dict[str, Any]] = mapped_column(JsonValue)
    text: Mapped[str | None] = mapped_column(Text)
    recipients: Mapped[int] = mapped_column(default=0)
    # The press that launched it: pressing «send» again, at once or later, launches nothing.
    dedupe_key: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    # Set once the curator has been told the outcome, with the counts told: the messages
    # themselves are deleted a while after (services.outbox.prune).
    reported_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    delivered: Mapped[int | None] = mapped_column()
    unreachable: Mapped[int | None] = mapped_column()
    failed: Mapped[int | None] = mapped_column()
