"""``runnerly migrate``: each service's migrations applied to the database it will use."""

from __future__ import annotations

import io
import sqlite3
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import inspect
from sqlalchemy.engine import Connection

from runnerly_kit.manifest import ServiceManifest
from runnerly_kit.testing.plugin import TestDatabase
from runnerly_kit.testing.ports import free_port
from runnerly_launcher.config import load_config
from runnerly_launcher.errors import MigrationError
from runnerly_launcher.migrate import migrate

Manifests = tuple[ServiceManifest, ServiceManifest]
RunRunnerly = Callable[..., subprocess.CompletedProcess[str]]


def _tables(connection: Connection) -> list[str]:
    return inspect(connection).get_table_names()


async def test_migrate_brings_the_configured_database_to_head(
    fake_manifests: Manifests, test_database: TestDatabase, tmp_path: Path
) -> None:
    """With <PREFIX>DATABASE_URL (and schema) set, that database gets the service's tables, and
    running again changes nothing."""
    alpha, _ = fake_manifests
    environ = test_database.settings_env("ALPHA_")
    config = load_config([alpha], {"RUNNERLY_DATA_DIR": str(tmp_path / "var")})
    out = io.StringIO()

    await migrate(config.services, config, environ, out)
    await migrate(config.services, config, environ, out)

    database = test_database.open()
    try:
        async with database.engine.connect() as connection:
            tables = await connection.run_sync(_tables)
    finally:
        await database.dispose()
    assert {"greeting", "alembic_version"} <= set(tables)
    assert out.getvalue().count("alpha: migrated") == 2


async def test_by_default_each_service_gets_an_sqlite_file_under_the_data_folder(
    fake_manifests: Manifests, tmp_path: Path
) -> None:
    """Without a database URL, a service's database is var/<service>/<service>.db, and a
    service without migrations is reported and skipped."""
    alpha, beta = fake_manifests
    config = load_config([alpha, beta], {"RUNNERLY_DATA_DIR": str(tmp_path / "var")})
    out = io.StringIO()

    await migrate(config.services, config, {}, out)

    database = tmp_path / "var" / "alpha" / "alpha.db"
    with sqlite3.connect(database) as connection:
        assert connection.execute("SELECT count(*) FROM greeting").fetchone() == (0,)
    assert not (tmp_path / "var" / "beta").exists()
    assert out.getvalue().splitlines() == [
        f"alpha: migrated (sqlite+aiosqlite:///{database})",
        "beta: no database, nothing to migrate",
    ]


async def test_a_failing_migration_names_the_service(
    fake_manifests: Manifests, tmp_path: Path
) -> None:
    """When a service's database cannot be migrated, the error names the service."""
    alpha, _ = fake_manifests
    config = load_config([alpha], {"RUNNERLY_DATA_DIR": str(tmp_path / "var")})
    unreachable = {"ALPHA_DATABASE_URL": f"postgresql+asyncpg://nobody@127.0.0.1:{free_port()}/x"}

    with pytest.raises(MigrationError, match="migrating alpha failed"):
        await migrate(config.services, config, unreachable, io.StringIO())


def test_the_migrate_command_migrates_only_the_named_service(
    launcher_env: dict[str, str], run_runnerly: RunRunnerly
) -> None:
    """``runnerly migrate alpha`` migrates alpha, touches no other service, and exits 0."""
    result = run_runnerly("migrate", "alpha", env=launcher_env)
    data_dir = Path(launcher_env["RUNNERLY_DATA_DIR"])

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("alpha: migrated (sqlite+aiosqlite:///")
    assert (data_dir / "alpha" / "alpha.db").exists()
    assert not (data_dir / "tokendealer").exists()


def test_the_migrate_command_exits_1_with_one_line_when_it_fails(
    launcher_env: dict[str, str], run_runnerly: RunRunnerly
) -> None:
    """A failed migration ends ``runnerly migrate`` with exit code 1 and a one-line reason,
    with the password of the database URL kept out of it."""
    env = {
        **launcher_env,
        "ALPHA_DATABASE_URL": f"postgresql+asyncpg://nobody:pw-123@127.0.0.1:{free_port()}/x",
    }
    result = run_runnerly("migrate", "alpha", env=env)

    assert result.returncode == 1
    assert result.stderr.startswith("runnerly: migrating alpha failed")
    assert "Traceback" not in result.stderr
    assert "pw-123" not in result.stderr
