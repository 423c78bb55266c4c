"""The MAX channel: its messages' ids and its long-polling marker.

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-05 22:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "max_messages",
        sa.Column("chat_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("seq", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("mid", sa.String(128), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("chat_id", "seq", name=op.f("pk_max_messages")),
    )
    op.create_index(op.f("ix_max_messages_created_at"), "max_messages", ["created_at"])
    op.create_table(
        "max_polling",
        sa.Column("bot_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("marker", sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint("bot_id", name=op.f("pk_max_polling")),
    )


def downgrade() -> None:
    op.drop_table("max_polling")
    op.drop_index(op.f("ix_max_messages_created_at"), table_name="max_messages")
    op.drop_table("max_messages")
