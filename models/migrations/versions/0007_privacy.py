"""Privacy: the consent text a person agreed to, and erased people kept as anonymous rows.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-29 21:30:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "consent_texts",
        sa.Column("version", sa.String(length=16), nullable=False),
        sa.Column("locale", sa.String(length=8), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("first_agreed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("version", name=op.f("pk_consent_texts")),
    )
    with op.batch_alter_table("users") as batch:
        batch.add_column(sa.Column("consent_version", sa.String(length=16), nullable=True))
        batch.add_column(sa.Column("erased_at", sa.DateTime(timezone=True), nullable=True))
        batch.create_index(batch.f("ix_users_erased_at"), ["erased_at"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("users") as batch:
        batch.drop_index(batch.f("ix_users_erased_at"))
        batch.drop_column("erased_at")
        batch.drop_column("consent_version")
    op.drop_table("consent_texts")
