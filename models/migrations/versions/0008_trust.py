"""Trust: whose data each owed message carries, so erasure can find it.

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 16:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "outbox_about",
        sa.Column("outbox_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  nullable=False),
        sa.Column("user_id", sa.BigInteger().with_variant(sa.Integer(), "sqlite"),
                  nullable=False),
        sa.ForeignKeyConstraint(["outbox_id"], ["outbox.id"], ondelete="CASCADE",
                                name=op.f("fk_outbox_about_outbox_id_outbox")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_outbox_about_user_id_users")),
        sa.PrimaryKeyConstraint("outbox_id", "user_id", name=op.f("pk_outbox_about")),
    )
    op.create_index(op.f("ix_outbox_about_user_id"), "outbox_about", ["user_id"], unique=False)


def downgrade() -> None:
    op.drop_index(op.f("ix_outbox_about_user_id"), table_name="outbox_about")
    op.drop_table("outbox_about")
