"""A fresh database per test: an SQLite file, or a PostgreSQL schema of its own.

PostgreSQL is used when ``RUNNERLY_TEST_POSTGRES_URL`` is set, or at the
machine's default address when ``CI=true`` (where those tests must run, not skip).
"""

from __future__ import annotations

import os
import uuid

import asyncpg  # type: ignore[import-untyped]
from sqlalchemy.engine import make_url

CI_POSTGRES_URL = "postgresql+asyncpg://postgres@127.0.0.1:5432/test"


def postgres_url() -> str | None:
    """The PostgreSQL server to test against, or None where there is none."""
    url = os.environ.get("RUNNERLY_TEST_POSTGRES_URL")
    if url:
        return url
    if os.environ.get("CI", "").lower() == "true":
        return CI_POSTGRES_URL
    return None


def _dsn(url: str) -> str:
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)


async def create_schema(url: str) -> str:
    """Create an empty schema for one test and return its name."""
    schema = f"t_{uuid.uuid4().hex[:16]}"
    connection = await asyncpg.connect(_dsn(url))
    try:
        await connection.execute(f'CREATE SCHEMA "{schema}"')
    finally:
        await connection.close()
    return schema


async def drop_schema(url: str, schema: str) -> None:
    """Drop a test's schema and everything in it."""
    connection = await asyncpg.connect(_dsn(url))
    try:
        await connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
    finally:
        await connection.close()
