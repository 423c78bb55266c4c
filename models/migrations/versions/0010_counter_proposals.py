"""A counter-proposal links to the meeting it answers (meetings.counter_to_id).

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-04 17:10:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0009"
branch_labels = None
depends_on = None

BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    name = op.f("fk_meetings_counter_to_id_meetings")
    if op.get_bind().dialect.name == "sqlite":
        # ADD COLUMN with the reference in line: no copy of the table, which batch mode would
        # make (and dropping the original with foreign keys on would null the series' links).
        # No ON DELETE: SQLite's reflection cannot read it from an in-line reference, and a
        # meeting is only ever deleted with its pair's, the one it answers among them.
        op.execute(f"ALTER TABLE meetings ADD COLUMN counter_to_id INTEGER CONSTRAINT {name} "
                   "REFERENCES meetings (id)")
        return
    op.add_column("meetings", sa.Column("counter_to_id", BIG_ID, nullable=True))
    op.create_foreign_key(name, "meetings", "meetings", ["counter_to_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("meetings") as batch:
        batch.drop_constraint(batch.f("fk_meetings_counter_to_id_meetings"), type_="foreignkey")
        batch.drop_column("counter_to_id")
