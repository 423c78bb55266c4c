"""Municipalities, their coordinators, a school's municipality, and invitations to coordinate.

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-04 21:00:00
"""

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "municipalities",
        sa.Column("id", ID, nullable=False),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("normalized_name", sa.String(200), nullable=False),
        sa.Column("created_by", ID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["created_by"], ["users.id"], ondelete="SET NULL",
                                name=op.f("fk_municipalities_created_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_municipalities")),
        sa.UniqueConstraint("normalized_name", name=op.f("uq_municipalities_normalized_name")),
    )
    op.create_table(
        "municipal_coordinators",
        sa.Column("id", ID, nullable=False),
        sa.Column("municipality_id", ID, nullable=False),
        sa.Column("user_id", ID, nullable=False),
        sa.Column("granted_by", ID, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(["municipality_id"], ["municipalities.id"], ondelete="CASCADE",
                                name=op.f("fk_municipal_coordinators_municipality_id_municipalities")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_municipal_coordinators_user_id_users")),
        sa.ForeignKeyConstraint(["granted_by"], ["users.id"], ondelete="SET NULL",
                                name=op.f("fk_municipal_coordinators_granted_by_users")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_municipal_coordinators")),
        sa.UniqueConstraint("municipality_id", "user_id",
                            name=op.f("uq_municipal_coordinators_municipality_id")),
    )
    op.create_index(op.f("ix_municipal_coordinators_user_id"), "municipal_coordinators",
                    ["user_id"], unique=False)
    name = op.f("fk_schools_municipality_id_municipalities")
    if op.get_bind().dialect.name == "sqlite":
        # ADD COLUMN with the reference in line, as 0010 does: batch mode would copy and drop
        # `schools`, which every table references (with foreign keys on, the drop fails). No ON
        # DELETE, which SQLite's reflection cannot read from an in-line reference; a
        # municipality is never deleted.
        op.execute(f"ALTER TABLE schools ADD COLUMN municipality_id INTEGER CONSTRAINT {name} "
                   "REFERENCES municipalities (id)")
    else:
        op.add_column("schools", sa.Column("municipality_id", ID, nullable=True))
        op.create_foreign_key(name, "schools", "municipalities", ["municipality_id"], ["id"])
    op.create_index(op.f("ix_schools_municipality_id"), "schools", ["municipality_id"])
    with op.batch_alter_table("invites") as batch:
        batch.add_column(sa.Column("municipality_id", ID, nullable=True))
        batch.create_foreign_key(batch.f("fk_invites_municipality_id_municipalities"),
                                 "municipalities", ["municipality_id"], ["id"],
                                 ondelete="CASCADE")
        batch.alter_column("school_id", existing_type=ID, nullable=True)


def downgrade() -> None:
    op.execute("DELETE FROM invites WHERE school_id IS NULL")
    with op.batch_alter_table("invites") as batch:
        batch.alter_column("school_id", existing_type=ID, nullable=False)
        batch.drop_constraint(batch.f("fk_invites_municipality_id_municipalities"),
                              type_="foreignkey")
        batch.drop_column("municipality_id")
    op.drop_index(op.f("ix_schools_municipality_id"), table_name="schools")
    if op.get_bind().dialect.name == "sqlite":
        op.execute("ALTER TABLE schools DROP COLUMN municipality_id")
    else:
        op.drop_constraint(op.f("fk_schools_municipality_id_municipalities"), "schools",
                           type_="foreignkey")
        op.drop_column("schools", "municipality_id")
    op.drop_index(op.f("ix_municipal_coordinators_user_id"), table_name="municipal_coordinators")
    op.drop_table("municipal_coordinators")
    op.drop_table("municipalities")
