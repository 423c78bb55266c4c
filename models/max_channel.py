"""What the MAX channel must remember across restarts: its messages' ids and its polling marker."""

from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UtcDateTime, utcnow


class MaxMessage(Base):
    """A message the bot sent in MAX: its chat's address and its `seq` in that chat, by which
    the handlers know it (as Telegram's message_id), and MAX's string id (`mid.…`), by which it
    is edited. Kept so that a message sent before a restart can still be edited."""

    __tablename__ = "max_messages"

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    mid: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, index=True)


class MaxPolling(Base):
    """The long-polling marker up to which every update was handled: a process killed mid-batch
    asks MAX from here again, and what it had handled is dropped as a redelivery."""

    __tablename__ = "max_polling"

    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    marker: Mapped[int] = mapped_column(BigInteger)
