"""What the MAX channel must remember across restarts: its messages' ids and its polling marker."""

from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, BigId, UtcDateTime, utcnow


class MaxMessage(Base):
    """A MAX message id (a string, `mid.…`) and the number the handlers know it by, as the
    message_id of Telegram's shape. Kept in the database, so a button pressed under a message
    sent before a restart still edits that message."""

    __tablename__ = "max_messages"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    mid: Mapped[str] = mapped_column(String(128), unique=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)


class MaxPolling(Base):
    """The long-polling marker up to which every update was handled: a process killed mid-batch
    asks MAX from here again, and what it had handled is dropped as a redelivery."""

    __tablename__ = "max_polling"

    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    marker: Mapped[int] = mapped_column(BigInteger)
