"""A real runs service for other services' tests and the end-to-end tests.

Like :mod:`runnerly_tokendealer.testing`: the real app and migrations, its own
SQLite database under a folder the test gives, served on a free port.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from fastapi import FastAPI

from runnerly_kit.migrations import migrate_service
from runnerly_kit.settings import Environment
from runnerly_kit.testing.ports import free_port
from runnerly_kit.testing.servers import serve
from runnerly_runs.main import create_app
from runnerly_runs.manifest import MANIFEST
from runnerly_runs.settings import RunsSettings


@dataclass
class LocalRuns:
    """A running runs service."""

    url: str
    settings: RunsSettings
    app: FastAPI


@contextlib.asynccontextmanager
async def running_runs(
    data_dir: Path, nats_url: str, tokendealer_url: str, **settings: Any
) -> AsyncIterator[LocalRuns]:
    """Migrate a runs database under ``data_dir`` (unless one is given) and serve the service."""
    database_url = settings.pop("database_url", None) or (
        f"sqlite+aiosqlite:///{data_dir / 'runs.db'}"
    )
    await migrate_service(
        MANIFEST.migrations_dir, database_url, schema=settings.get("database_schema") or None
    )
    port = settings.pop("port", None) or free_port()
    values: dict[str, Any] = {
        "environment": Environment.test,
        "port": port,
        "database_url": database_url,
        "nats_url": nats_url,
        "tokendealer_url": tokendealer_url,
        "client_secret": "runs-own-test-secret-0123456789",
        **settings,
    }
    runs_settings = RunsSettings(**values)
    app = create_app(runs_settings)
    async with serve(app, port=port) as url:
        yield LocalRuns(url, runs_settings, app)
