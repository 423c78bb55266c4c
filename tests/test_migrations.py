"""The migrations build exactly the schema the models describe, on SQLite and PostgreSQL."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from models import Base

pytestmark = pytest.mark.db


async def test_migrations_match_the_models(running):
    def differences(connection):
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    async with running.app.engine.connect() as connection:
        assert await connection.run_sync(differences) == []
