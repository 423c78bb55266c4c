"""Trust: whose data each owed message carries, so erasure can find it; messages owed keep
what people typed raw, as the renderer now escapes it (pending rows written escaped by the
earlier code are unescaped once, except meeting reminders, which were written raw).

Rows written before know nothing of whom they are about. Meeting reminders learn it from their
meeting (its proposer typed the place and topic); messages already done with, outside a
campaign, are deleted now rather than kept for 30 days, since erasure could not find them; the
few other pending notices are due within hours. Campaigns get their counts and a key per press.

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
    _about_legacy_rows()


def _about_legacy_rows() -> None:
    connection = op.get_bind()
    connection.execute(sa.text(
        "DELETE FROM outbox WHERE campaign_id IS NULL "
        "AND status IN ('sent', 'failed', 'dropped', 'cancelled')"))
    rows = connection.execute(sa.text(
        "SELECT id, user_id, dedupe_key FROM outbox WHERE dedupe_key LIKE 'meeting:%'")).all()
    meetings = {}
    for _, _, key in rows:
        meeting_id = key.split(":")[1]
        if meeting_id.isdigit():
            meetings[int(meeting_id)] = None
    ids = sorted(meetings)
    for start in range(0, len(ids), 1000):
        for meeting_id, proposer in connection.execute(
                sa.text("SELECT id, proposed_by FROM meetings WHERE id IN :ids").bindparams(
                    sa.bindparam("ids", expanding=True)), {"ids": ids[start:start + 1000]}):
            meetings[meeting_id] = proposer
    about = []
    for row_id, user_id, key in rows:
        meeting_id = key.split(":")[1]
        proposer = meetings.get(int(meeting_id)) if meeting_id.isdigit() else None
        if proposer is not None and proposer != user_id:
            about.append({"outbox_id": row_id, "user_id": proposer})
    if about:
        connection.execute(sa.text(
            "INSERT INTO outbox_about (outbox_id, user_id) VALUES (:outbox_id, :user_id)"),
            about)


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
