"""Meetings of pairs, each person's reminder times, the calendar each school follows.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-22 12:10:48.995235
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON_VALUE = sa.JSON(none_as_null=True).with_variant(
    postgresql.JSONB(none_as_null=True), "postgresql"
)

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "school_calendars",
        sa.Column("school_id", BIG_ID, nullable=False),
        sa.Column("calendar_id", sa.String(length=32), nullable=False),
        sa.Column("shift_days", sa.Integer(), nullable=False),
        sa.Column("chosen_by", BIG_ID, nullable=True),
        sa.Column("chosen_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["chosen_by"],
            ["users.id"],
            name=op.f("fk_school_calendars_chosen_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["school_id"],
            ["schools.id"],
            name=op.f("fk_school_calendars_school_id_schools"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("school_id", name=op.f("pk_school_calendars")),
    )
    op.create_table(
        "meetings",
        sa.Column("id", BIG_ID, nullable=False),
        sa.Column("pair_id", BIG_ID, nullable=False),
        sa.Column("proposed_by", BIG_ID, nullable=True),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("place", sa.String(length=300), nullable=False),
        sa.Column("topic", sa.String(length=300), nullable=False),
        sa.Column("model", sa.String(length=24), nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("series_id", BIG_ID, nullable=True),
        sa.Column("repeat", sa.String(length=12), nullable=False),
        sa.Column("held", sa.Boolean(), nullable=True),
        sa.Column("mentor_note", sa.Text(), nullable=True),
        sa.Column("mentee_rating", sa.Integer(), nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["pair_id"], ["pairs.id"], name=op.f("fk_meetings_pair_id_pairs"), ondelete="CASCADE"
        ),
        sa.ForeignKeyConstraint(
            ["proposed_by"],
            ["users.id"],
            name=op.f("fk_meetings_proposed_by_users"),
            ondelete="SET NULL",
        ),
        sa.ForeignKeyConstraint(
            ["series_id"],
            ["meetings.id"],
            name=op.f("fk_meetings_series_id_meetings"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_meetings")),
    )
    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.create_index("ix_meetings_pair_starts", ["pair_id", "starts_at"], unique=False)

    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("reminder_minutes", JSON_VALUE, nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("reminder_minutes")

    with op.batch_alter_table("meetings", schema=None) as batch_op:
        batch_op.drop_index("ix_meetings_pair_starts")

    op.drop_table("meetings")
    op.drop_table("school_calendars")
