"""The rollup /summary adds up: a row per completed response with its integer answers by
question position (models.surveys.response_scores), filled here for the responses completed
before; from now on each is written in the transaction that completes its response.

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-03 17:00:00
"""

import json

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

QUESTIONS = 32
BIG_ID = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
# A JSON integer as services.reports.json_integer reads it (frozen here, as a migration is).
INTEGER = {
    "postgresql": "CASE WHEN jsonb_typeof(a.value) = 'number' AND scale((a.value)::numeric) = 0 "
                  "THEN (a.value)::bigint END",
    "sqlite": "CASE WHEN typeof(a.value) = 'integer' THEN a.value END",
}


def upgrade() -> None:
    op.create_table(
        "response_scores",
        sa.Column("response_id", BIG_ID, autoincrement=False, nullable=False),
        sa.Column("user_id", BIG_ID, nullable=False),
        sa.Column("questionnaire_code", sa.String(length=32), nullable=False),
        sa.Column("questionnaire_version", sa.Integer(), nullable=False),
        sa.Column("completed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("answered", sa.BigInteger(), nullable=False),
        *(sa.Column(f"score_{n}", sa.BigInteger(), nullable=True) for n in range(QUESTIONS)),
        sa.ForeignKeyConstraint(["response_id"], ["responses.id"], ondelete="CASCADE",
                                name=op.f("fk_response_scores_response_id_responses")),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], ondelete="CASCADE",
                                name=op.f("fk_response_scores_user_id_users")),
        sa.PrimaryKeyConstraint("response_id", name=op.f("pk_response_scores")),
    )
    op.create_index("ix_response_scores_questionnaire_completed", "response_scores",
                    ["questionnaire_code", "completed_at"], unique=False)
    op.create_index("ix_response_scores_user_questionnaire", "response_scores",
                    ["user_id", "questionnaire_code", "completed_at"], unique=False)
    _backfill()


def _backfill() -> None:
    connection = op.get_bind()
    integer = INTEGER[connection.dialect.name]
    versions = connection.execute(sa.text(
        "SELECT code, version, definition FROM questionnaires")).all()
    for code, version, definition in versions:
        if isinstance(definition, str):
            definition = json.loads(definition)
        ids = [question["id"] for question in definition["questions"]][:QUESTIONS]
        params = {f"q{n}": question for n, question in enumerate(ids)}
        bits = " ".join(f"WHEN :q{n} THEN {1 << n}" for n in range(len(ids)))
        scores = "".join(f", max(CASE WHEN a.question_id = :q{n} THEN {integer} END)"
                         for n in range(len(ids)))
        columns = "".join(f", score_{n}" for n in range(len(ids)))
        connection.execute(sa.text(
            "INSERT INTO response_scores (response_id, user_id, questionnaire_code, "
            f"questionnaire_version, completed_at, answered{columns}) "
            "SELECT r.id, r.user_id, r.questionnaire_code, r.questionnaire_version, "
            f"r.completed_at, coalesce(sum(CASE a.question_id {bits} ELSE 0 END), 0){scores} "
            "FROM responses r LEFT JOIN answers a ON a.response_id = r.id "
            "WHERE r.questionnaire_code = :code AND r.questionnaire_version = :version "
            "AND r.completed_at IS NOT NULL "
            "GROUP BY r.id, r.user_id, r.questionnaire_code, r.questionnaire_version, "
            "r.completed_at"), {"code": code, "version": version, **params})


def downgrade() -> None:
    op.drop_index("ix_response_scores_user_questionnaire", table_name="response_scores")
    op.drop_index("ix_response_scores_questionnaire_completed", table_name="response_scores")
    op.drop_table("response_scores")
