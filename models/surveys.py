from datetime import datetime
from typing import Any

from sqlalchemy import (
    Boolean,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, BigId, JsonValue, UtcDateTime, utcnow


class QuestionnaireVersion(Base):
    """A snapshot of each questionnaire version ever served, so old answers keep their meaning."""

    __tablename__ = "questionnaires"

    code: Mapped[str] = mapped_column(String(32), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(300))
    digest: Mapped[str] = mapped_column(String(64))
    definition: Mapped[dict[str, Any]] = mapped_column(JsonValue)
    loaded_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class Response(Base):
    """One pass through a questionnaire; retaking it later makes a new one."""

    __tablename__ = "responses"
    __table_args__ = (
        ForeignKeyConstraint(
            ["questionnaire_code", "questionnaire_version"],
            ["questionnaires.code", "questionnaires.version"],
        ),
        Index("ix_responses_user_questionnaire", "user_id", "questionnaire_code", "started_at"),
        Index("ix_responses_questionnaire_completed", "questionnaire_code", "completed_at"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    questionnaire_code: Mapped[str] = mapped_column(String(32))
    questionnaire_version: Mapped[int] = mapped_column(Integer)
    role: Mapped[str] = mapped_column(String(32))
    current_question: Mapped[str | None] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
    completed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)

    answers: Mapped[list["Answer"]] = relationship(
        back_populates="response", lazy="selectin", cascade="all, delete-orphan"
    )


class Answer(Base):
    __tablename__ = "answers"
    __table_args__ = (
        UniqueConstraint("response_id", "question_id"),
        Index("ix_answers_question", "question_id"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    response_id: Mapped[int] = mapped_column(ForeignKey("responses.id", ondelete="CASCADE"))
    question_id: Mapped[str] = mapped_column(String(32))
    value: Mapped[Any] = mapped_column(JsonValue, nullable=True)
    skipped: Mapped[bool] = mapped_column(Boolean, default=False)
    answered_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    response: Mapped[Response] = relationship(back_populates="answers")
