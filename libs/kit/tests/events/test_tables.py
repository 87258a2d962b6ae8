"""The kit's tables: in a service's MetaData, and created by a service's first migration."""

from __future__ import annotations

from alembic.migration import MigrationContext
from alembic.operations import Operations
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from runnerly_kit.db import new_metadata
from runnerly_kit.events import create_kit_tables, drop_kit_tables, include_kit_tables
from runnerly_kit.testing.plugin import TestDatabase


def test_include_kit_tables_adds_outbox_and_applied_events_once() -> None:
    """Including twice is harmless, so a service's models and migrations may both call it."""
    metadata = new_metadata()
    include_kit_tables(metadata)
    include_kit_tables(metadata)
    assert set(metadata.tables) == {"outbox", "applied_events"}


def _tables_and_indexes(connection: Connection) -> dict[str, set[str]]:
    inspector = inspect(connection)
    return {
        name: {index["name"] or "" for index in inspector.get_indexes(name)}
        for name in inspector.get_table_names()
    }


async def test_migration_helpers_create_and_drop_the_tables(test_database: TestDatabase) -> None:
    """create_kit_tables(op) in an Alembic revision makes both tables with their indexes."""
    database = test_database.open()
    try:
        async with database.engine.begin() as connection:
            await connection.run_sync(
                lambda sync: create_kit_tables(Operations(MigrationContext.configure(sync)))
            )
            created = await connection.run_sync(_tables_and_indexes)
            await connection.run_sync(
                lambda sync: drop_kit_tables(Operations(MigrationContext.configure(sync)))
            )
            dropped = await connection.run_sync(_tables_and_indexes)
    finally:
        await database.dispose()
    assert set(created) == {"outbox", "applied_events"}
    # PostgreSQL also lists the index behind the unique constraint on the event id.
    assert {"ix_outbox_pending", "ix_outbox_published_at"} <= created["outbox"]
    assert {"ix_applied_events_applied_at"} <= created["applied_events"]
    assert dropped == {}
