"""The migrations build exactly the table the models describe."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from runnerly_dashboard.manifest import MANIFEST
from runnerly_dashboard.models import Base
from runnerly_kit.db import Database
from runnerly_kit.migrations import migrate_service
from runnerly_kit.testing.plugin import TestDatabase


async def test_the_migrated_database_matches_the_models(test_database: TestDatabase) -> None:
    """After the migrations, the database has exactly the tables, columns and indexes of the
    models (SQLite, and PostgreSQL where configured)."""
    assert MANIFEST.migrations_dir is not None
    await migrate_service(
        MANIFEST.migrations_dir, test_database.url, schema=test_database.schema or None
    )
    database = Database(test_database.url, schema=test_database.schema or None)
    try:
        async with database.engine.connect() as connection:
            differences = await connection.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
            )
    finally:
        await database.dispose()

    assert differences == []
