from datetime import datetime
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    String,
    Table,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from domain.questionnaire import MAX_QUESTIONS
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


def score_column(position: int) -> str:
    return f"score_{position}"


# A completed response's answers as /summary needs them, written in the transaction that
# completes it (services.scores): one row per response instead of one per answer, so the
# region's figures add up a hundred thousand rows, not two million answers. `score_<n>` is the
# answer to the version's question at position n where it is a JSON integer (as json_integer
# reads it), `answered` has bit n set where that question has an answer row at all (a
# diagnosis counts only if an area was answered, even if skipped). Who and when are copied
# from the response, so the figures filter without joining it.
response_scores = Table(
    "response_scores", Base.metadata,
    Column("response_id", BigId, ForeignKey("responses.id", ondelete="CASCADE"),
           primary_key=True, autoincrement=False),
    Column("user_id", BigId, ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
    Column("questionnaire_code", String(32), nullable=False),
    Column("questionnaire_version", Integer, nullable=False),
    Column("completed_at", UtcDateTime, nullable=False),
    Column("answered", BigInteger, nullable=False),
    *(Column(score_column(n), BigInteger) for n in range(MAX_QUESTIONS)),
    # The region's figures read by questionnaire and period, a school's by its people.
    Index("ix_response_scores_questionnaire_completed", "questionnaire_code", "completed_at"),
    Index("ix_response_scores_user_questionnaire", "user_id", "questionnaire_code",
          "completed_at"),
)
