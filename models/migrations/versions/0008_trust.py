"""Trust: whose data each owed message carries, so erasure can find it; messages owed keep
what people typed raw, as the renderer now escapes it (pending rows written escaped by the
earlier code are unescaped once, except meeting reminders, which were written raw).

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-02 16:00:00
"""

import html
import json

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

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
    with op.batch_alter_table("campaigns") as batch:
        batch.add_column(sa.Column("delivered", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("unreachable", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("failed", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("dedupe_key", sa.String(length=64), nullable=True))
        batch.create_unique_constraint(batch.f("uq_campaigns_dedupe_key"), ["dedupe_key"])
    _unescape_pending()


def _raw(value):
    if isinstance(value, str):
        return html.unescape(value)
    if isinstance(value, list):
        return [_raw(item) for item in value]
    if isinstance(value, dict):
        return {key: _raw(item) for key, item in value.items()}
    return value


def _unescape_pending() -> None:
    connection = op.get_bind()
    rows = connection.execute(sa.text(
        "SELECT id, params FROM outbox WHERE status = 'pending' AND params IS NOT NULL "
        "AND kind NOT IN ('meeting-reminder', 'meeting-followup')")).all()
    for row_id, params in rows:
        value = json.loads(params) if isinstance(params, str) else params
        raw = _raw(value)
        if raw != value:
            connection.execute(
                sa.text("UPDATE outbox SET params = :params WHERE id = :id").bindparams(
                    sa.bindparam("params", type_=sa.JSON().with_variant(
                        postgresql.JSONB(), "postgresql"))),
                {"params": raw, "id": row_id})


def downgrade() -> None:
    with op.batch_alter_table("campaigns") as batch:
        batch.drop_constraint(batch.f("uq_campaigns_dedupe_key"), type_="unique")
        batch.drop_column("dedupe_key")
        batch.drop_column("failed")
        batch.drop_column("unreachable")
        batch.drop_column("delivered")
    op.drop_index(op.f("ix_outbox_about_user_id"), table_name="outbox_about")
    op.drop_table("outbox_about")
