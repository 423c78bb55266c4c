from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from models.base import Base, BigId, JsonValue, UtcDateTime, utcnow


class User(Base):
    """A person who agreed to personal-data processing; nobody is stored before that."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    telegram_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    # Shown to a partner only once both sides of a pair have agreed.
    username: Mapped[str | None] = mapped_column(String(64))
    locale: Mapped[str | None] = mapped_column(String(8))
    consent_at: Mapped[datetime] = mapped_column(UtcDateTime)
    # Which consent text was agreed to: see ConsentText.
    consent_version: Mapped[str | None] = mapped_column(String(16))
    # /delete_me: the row stays, without anything that names the person, so that the school's
    # aggregates keep their answers.
    erased_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # The /start deep-link payload (school or pair invitations use it).
    start_payload: Mapped[str | None] = mapped_column(String(64))
    # IANA zone for reminders; None: the school's TIMEZONE.
    timezone: Mapped[str | None] = mapped_column(String(64))
    # Minutes before a meeting to remind; None: the defaults (a day and an hour), [] turns off.
    reminder_minutes: Mapped[list[int] | None] = mapped_column(JsonValue)
    # Set when Telegram answers 403 (the person blocked the bot); cleared when they write again.
    unreachable_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)

    roles: Mapped[list["UserRole"]] = relationship(
        back_populates="user", lazy="selectin", order_by="UserRole.id"
    )
    profile: Mapped["Profile | None"] = relationship(back_populates="user", lazy="joined")


class ConsentText(Base):
    """Each consent text ever shown, by a digest of its words, so a consent can be proven."""

    __tablename__ = "consent_texts"

    version: Mapped[str] = mapped_column(String(16), primary_key=True)
    locale: Mapped[str] = mapped_column(String(8))
    text: Mapped[str] = mapped_column(Text)
    first_agreed_at: Mapped[datetime] = mapped_column(UtcDateTime)


class School(Base):
    """A school; a region's schools belong to municipalities (municipality_id). parent_id is
    an early, unused idea of a centre with schools under it."""

    __tablename__ = "schools"

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    # Lower-cased, single-spaced name: «СОШ №1» and «сош  №1» are one school.
    normalized_name: Mapped[str] = mapped_column(String(200), unique=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"), index=True)
    # No ON DELETE: a municipality is never deleted (migration 0012 says why it cannot have one).
    municipality_id: Mapped[int | None] = mapped_column(ForeignKey("municipalities.id"),
                                                        index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow)


class UserRole(Base):
    __tablename__ = "user_roles"
    __table_args__ = (
        UniqueConstraint("user_id", "role"),
        Index("ix_user_roles_school_role", "school_id", "role", "is_active"),
    )

    id: Mapped[int] = mapped_column(BigId, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    role: Mapped[str] = mapped_column(String(32))
    form: Mapped[str] = mapped_column(String(32))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"))
    is_active: Mapped[bool] = mapped_column(Boolean, default=True)
    # Set when the person came through a school invite or a curator confirmed them.
    confirmed_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # When the role was taken, on the app's clock (services.clock), so that the summary's
    # period and the tests' clock agree: no default, every place that gives a role says when.
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)

    user: Mapped[User] = relationship(back_populates="roles")


class Profile(Base):
    __tablename__ = "profiles"
    __table_args__ = (Index("ix_profiles_school", "school_id"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    full_name: Mapped[str | None] = mapped_column(String(200))
    school_id: Mapped[int | None] = mapped_column(ForeignKey("schools.id"))
    subjects: Mapped[list[str] | None] = mapped_column(JsonValue)
    experience_years: Mapped[int | None]
    mentee_category: Mapped[str | None] = mapped_column(String(32))
    mentor_types: Mapped[list[str] | None] = mapped_column(JsonValue)
    mentee_capacity: Mapped[int | None]
    grade: Mapped[int | None]
    help_wanted: Mapped[list[str] | None] = mapped_column(JsonValue)
    help_offered: Mapped[list[str] | None] = mapped_column(JsonValue)
    # A pupil's parent (legal representative), phone or e-mail, for the school's curators only
    # (the base of mentees); "" when skipped.
    parent_contact: Mapped[str | None] = mapped_column(String(200))
    # A teacher mentor's position and key competences, as typed (the base of mentors); "" when
    # skipped.
    position: Mapped[str | None] = mapped_column(String(200))
    key_competences: Mapped[str | None] = mapped_column(String(500))
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)

    user: Mapped[User] = relationship(back_populates="profile")
    school: Mapped[School | None] = relationship(lazy="joined")


class FsmRecord(Base):
    """Conversation state of the default FSM storage, so a restart resumes every flow."""

    __tablename__ = "fsm_records"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    state: Mapped[str | None] = mapped_column(String(100))
    data: Mapped[dict[str, Any] | None] = mapped_column(JsonValue)
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime, default=utcnow, onupdate=utcnow)
