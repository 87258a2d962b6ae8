"""Alembic migrations, run the same way for every service, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from runnerly_kit.db import Database
from runnerly_kit.migrations import upgrade
from runnerly_kit.testing.plugin import TestDatabase

MIGRATIONS = Path(__file__).parent / "fixtures" / "migrations"


@pytest.fixture
async def database(test_database: TestDatabase) -> AsyncIterator[Database]:
    db = test_database.open()
    yield db
    await db.dispose()


async def columns(db: Database, table: str) -> dict[str, bool]:
    """Column name -> nullable, as the database reports them."""
    async with db.engine.connect() as connection:
        found = await connection.run_sync(lambda sync: inspect(sync).get_columns(table))
    return {column["name"]: column["nullable"] for column in found}


async def current_revision(db: Database) -> str:
    async with db.transaction(write=False) as session:
        revision: str = (
            await session.execute(text("SELECT version_num FROM alembic_version"))
        ).scalar_one()
        return revision


async def test_upgrade_creates_the_tables(database: Database) -> None:
    """upgrade() to head applies every revision and records where it stopped."""
    await upgrade(MIGRATIONS, database)

    assert await columns(database, "things") == {"id": False, "name": False, "size": False}
    assert await current_revision(database) == "0002"


async def test_upgrade_step_by_step(database: Database) -> None:
    """A database at an older revision is brought forward, keeping its rows."""
    await upgrade(MIGRATIONS, database, "0001")
    assert set(await columns(database, "things")) == {"id", "name"}
    async with database.transaction() as session:
        await session.execute(text("INSERT INTO things (id, name) VALUES (1, 'shoe')"))

    await upgrade(MIGRATIONS, database)

    async with database.transaction(write=False) as session:
        rows = (await session.execute(text("SELECT id, name, size FROM things"))).all()
    assert [tuple(row) for row in rows] == [(1, "shoe", 0)]
    assert await current_revision(database) == "0002"


async def test_upgrade_is_idempotent(database: Database) -> None:
    """Running upgrade on an up-to-date database changes nothing (every start-up does it)."""
    await upgrade(MIGRATIONS, database)
    await upgrade(MIGRATIONS, database)

    assert await current_revision(database) == "0002"


async def test_migrated_constraints_are_enforced(database: Database) -> None:
    """The unique index created by the migration is live on both backends."""
    await upgrade(MIGRATIONS, database)
    async with database.transaction() as session:
        await session.execute(text("INSERT INTO things (id, name, size) VALUES (1, 'shoe', 1)"))

    with pytest.raises(IntegrityError):
        async with database.transaction() as session:
            await session.execute(text("INSERT INTO things (id, name, size) VALUES (2, 'shoe', 2)"))


async def test_migrations_stay_in_the_databases_own_schema(test_database: TestDatabase) -> None:
    """On PostgreSQL the tables land in the configured schema, not in public."""
    if test_database.backend != "postgres":
        pytest.skip("schemas are a PostgreSQL notion")
    db = test_database.open()
    try:
        await upgrade(MIGRATIONS, db)
        async with db.transaction(write=False) as session:
            tables = (
                await session.execute(
                    # Other tests (other workers) migrate into schemas of their own
                    # at the same time: look only at this test's schema and public.
                    text(
                        "SELECT table_schema, table_name FROM information_schema.tables "
                        "WHERE table_name IN ('things', 'alembic_version') "
                        "AND table_schema IN (:own, 'public')"
                    ),
                    {"own": test_database.schema},
                )
            ).all()
    finally:
        await db.dispose()

    assert sorted(tuple(row) for row in tables) == [
        (test_database.schema, "alembic_version"),
        (test_database.schema, "things"),
    ]
