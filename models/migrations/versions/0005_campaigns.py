"""Campaigns: a curator's reminders and announcements, and their outbox rows.

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-22 13:45:00
"""

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
JSON_VALUE = sa.JSON(none_as_null=True).with_variant(
    postgresql.JSONB(none_as_null=True), "postgresql"
)

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "campaigns",
        sa.Column("id", BIG_ID, autoincrement=True, nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("created_by", BIG_ID, nullable=True),
        sa.Column("audience", JSON_VALUE, nullable=False),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("recipients", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reported_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"],
                                name=op.f("fk_campaigns_created_by_users"), ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_campaigns")),
    )
    op.add_column("outbox", sa.Column("campaign_id", sa.BigInteger(), nullable=True))
    op.create_index(op.f("ix_outbox_campaign_id"), "outbox", ["campaign_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_outbox_campaign_id"), table_name="outbox")
    op.drop_column("outbox", "campaign_id")
    op.drop_table("campaigns")
