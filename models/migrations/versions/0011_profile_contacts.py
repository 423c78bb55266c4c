"""A pupil's parent contact, a teacher mentor's position and key competences (profiles).

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-04 18:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("profiles", sa.Column("parent_contact", sa.String(200), nullable=True))
    op.add_column("profiles", sa.Column("position", sa.String(200), nullable=True))
    op.add_column("profiles", sa.Column("key_competences", sa.String(500), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("profiles") as batch:
        batch.drop_column("key_competences")
        batch.drop_column("position")
        batch.drop_column("parent_contact")
