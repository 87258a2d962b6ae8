"""Alembic, the same way for every service.

Each service keeps its migrations in ``runnerly_<name>/migrations`` with an
``env.py`` of two lines that calls :func:`run_env`. The launcher, the tests and
``runnerly migrate`` all go through :func:`upgrade`.
"""

from __future__ import annotations

import asyncio
from pathlib import Path

from alembic import command, context
from alembic.config import Config
from sqlalchemy import MetaData
from sqlalchemy.engine import Connection

from runnerly_kit.db import Database

_DATABASE = "runnerly_database"


def alembic_config(script_location: Path, database: Database) -> Config:
    """An Alembic config for a service's migrations folder, bound to a database."""
    config = Config()
    config.set_main_option("script_location", str(script_location))
    config.attributes[_DATABASE] = database
    return config


async def upgrade(script_location: Path, database: Database, revision: str = "head") -> None:
    """Apply a service's migrations up to ``revision``."""
    config = alembic_config(script_location, database)
    # Alembic's command API is synchronous and env.py drives the async engine
    # itself, so it runs in a worker thread with a loop of its own.
    await asyncio.to_thread(command.upgrade, config, revision)


def run_env(target_metadata: MetaData) -> None:
    """Body of every service's ``env.py``: run migrations on the bound database."""
    database = context.config.attributes.get(_DATABASE)
    if database is None:
        raise RuntimeError("run migrations through runnerly_kit.migrations.upgrade")
    asyncio.run(_run_online(database, target_metadata))


async def _run_online(database: Database, target_metadata: MetaData) -> None:
    # A fresh engine: the caller's engine belongs to another event loop.
    engine = Database(database.url.render_as_string(hide_password=False), schema=database.schema)
    try:
        async with engine.engine.connect() as connection:
            await connection.run_sync(_run_sync, target_metadata)
            await connection.commit()
    finally:
        await engine.dispose()


def _run_sync(connection: Connection, target_metadata: MetaData) -> None:
    context.configure(
        connection=connection,
        target_metadata=target_metadata,
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def migrate_service(
    migrations_dir: Path | None, url: str, *, schema: str | None = None
) -> None:
    """Bring the database at ``url`` to a service's latest revision (opened and closed here).

    ``migrations_dir`` is a manifest's ``migrations_dir``; a service without a
    database has none, and nothing is done.
    """
    if migrations_dir is None:
        return
    database = Database(url, schema=schema)
    try:
        await upgrade(migrations_dir, database)
    finally:
        await database.dispose()
