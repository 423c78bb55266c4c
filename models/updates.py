from datetime import datetime

from sqlalchemy import BigInteger
from sqlalchemy.orm import Mapped, mapped_column

from models.base import Base, UtcDateTime


class ProcessedUpdate(Base):
    """An update whose effects are committed. Telegram redelivers an update it could not hand
    over (a crash before the offset was confirmed, a webhook call that failed); this row makes
    the second delivery a no-op. Kept for two days: Telegram keeps updates for one."""

    __tablename__ = "processed_updates"

    bot_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    processed_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
