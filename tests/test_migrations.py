"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

import json
from datetime import UTC, datetime

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import JSON, bindparam, text
from sqlalchemy.dialects.postgresql import JSONB

from models import Base
from models.db import alembic_config, create_engine

pytestmark = pytest.mark.db


def upgrader(engine):
    """Upgrades the database over a given connection to a given revision."""
    url = engine.url.render_as_string(hide_password=False)

    def upgrade(connection, revision: str) -> None:
        config = alembic_config(url)
        config.attributes["connection"] = connection
        command.upgrade(config, revision)

    return upgrade


async def test_migrations_match_the_models(running):
    def differences(connection):
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    async with running.app.engine.connect() as connection:
        assert await connection.run_sync(differences) == []


async def test_the_trust_migration_carries_owed_messages_over(database_url):
    """Rows the earlier code wrote: pending ones made raw again and, for meeting reminders,
    known to be about the meeting's proposer; those done with are gone (erasure could not find
    whom they are about)."""
    engine = create_engine(database_url)
    upgrade = upgrader(engine)

    now = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    async with engine.begin() as connection:
        await connection.run_sync(upgrade, "0007")
        for statement, values in (
            ("INSERT INTO users (id, telegram_id, consent_at, is_active, created_at) VALUES "
             "(1, 101, :now, true, :now), (2, 102, :now, true, :now)", {}),
            ("INSERT INTO schools (id, name, normalized_name, created_at) VALUES "
             "(1, 'Школа', 'школа', :now)", {}),
            ("INSERT INTO pairs (id, school_id, form, status, created_at) VALUES "
             "(1, 1, 'teacher_teacher', 'active', :now)", {}),
            ("INSERT INTO meetings (id, pair_id, proposed_by, starts_at, minutes, place, topic, "
             "model, status, repeat, created_at) VALUES (7, 1, 1, :now, 60, 'Каб. 5 & 6', "
             "'Тема', 'together', 'accepted', 'once', :now)", {}),
        ):
            await connection.execute(text(statement), {"now": now, **values})
        for kind, status, params, key in (
            ("meeting-reminder", "pending", {"place": "Каб. 5 & 6"}, "meeting:7:u2:before60"),
            ("notice", "pending", {"name": "Анна &amp; Ко"}, None),
            ("notice", "sent", {"name": "Анна &amp; Ко"}, None),
        ):
            await connection.execute(text(
                "INSERT INTO outbox (kind, user_id, chat_id, is_group, text_key, params, due_at, "
                "urgent, status, dedupe_key, attempts, created_at) VALUES (:kind, 2, 102, false, "
                "'x', :params, :now, false, :status, :key, 0, :now)").bindparams(
                bindparam("params", type_=JSON().with_variant(JSONB(), "postgresql"))),
                {"kind": kind, "params": params, "now": now, "status": status, "key": key})
        await connection.run_sync(upgrade, "head")
    async with engine.connect() as connection:
        rows = (await connection.execute(text(
            "SELECT kind, status, params FROM outbox ORDER BY id"))).all()
        about = (await connection.execute(text(
            "SELECT outbox_id, user_id FROM outbox_about"))).all()
    await engine.dispose()
    params = [json.loads(p) if isinstance(p, str) else p for _, _, p in rows]
    assert [(kind, status) for kind, status, _ in rows] == [
        ("meeting-reminder", "pending"), ("notice", "pending")]
    assert params == [{"place": "Каб. 5 & 6"}, {"name": "Анна & Ко"}]
    assert [user_id for _, user_id in about] == [1]


async def test_the_counter_proposal_migration_keeps_meetings_and_their_series(database_url):
    """0010 adds meetings.counter_to_id to a table that has rows: they stay as they were, a
    series' repeats still point at its first meeting, and a link can be written."""
    engine = create_engine(database_url)
    upgrade = upgrader(engine)

    now = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)
    async with engine.begin() as connection:
        await connection.run_sync(upgrade, "0009")
        for statement in (
            "INSERT INTO users (id, telegram_id, consent_at, is_active, created_at) VALUES "
            "(1, 101, :now, true, :now)",
            "INSERT INTO schools (id, name, normalized_name, created_at) VALUES "
            "(1, 'Школа', 'школа', :now)",
            "INSERT INTO pairs (id, school_id, form, status, created_at) VALUES "
            "(1, 1, 'teacher_teacher', 'active', :now)",
            "INSERT INTO meetings (id, pair_id, proposed_by, starts_at, minutes, place, topic, "
            "model, status, repeat, series_id, created_at) VALUES "
            "(7, 1, 1, :now, 45, 'Каб. 5', 'Тема', 'together', 'accepted', 'weekly', NULL, :now), "
            "(8, 1, 1, :now, 45, 'Каб. 5', 'Тема', 'together', 'accepted', 'weekly', 7, :now)",
        ):
            await connection.execute(text(statement), {"now": now})
        await connection.run_sync(upgrade, "head")
        await connection.execute(text(
            "INSERT INTO meetings (id, pair_id, proposed_by, starts_at, minutes, place, topic, "
            "model, status, repeat, counter_to_id, created_at) VALUES "
            "(9, 1, 1, :now, 30, 'Онлайн', 'Тема', 'together', 'proposed', 'once', 8, :now)"),
            {"now": now})
    async with engine.connect() as connection:
        rows = (await connection.execute(text(
            "SELECT id, minutes, series_id, counter_to_id FROM meetings ORDER BY id"))).all()
    await engine.dispose()
    assert [tuple(row) for row in rows] == [(7, 45, None, None), (8, 45, 7, None),
                                            (9, 30, None, 8)]
