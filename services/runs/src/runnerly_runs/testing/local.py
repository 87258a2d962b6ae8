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

from runnerly_kit.testing.plugin import TestDatabase
from runnerly_kit.testing.stack import ServiceStack
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
    url = settings.pop("database_url", None) or f"sqlite+aiosqlite:///{data_dir / 'runs.db'}"
    backend = "sqlite" if url.startswith("sqlite") else "postgres"
    database = TestDatabase(backend, url, settings.pop("database_schema", ""))
    port = settings.pop("port", None)
    async with ServiceStack.start(
        create_app,
        RunsSettings,
        MANIFEST,
        database=database,
        nats_url=nats_url,
        settings={"tokendealer_url": tokendealer_url, **settings},
        port=port,
        watch_events=None,
    ) as stack:
        yield LocalRuns(stack.url, stack.settings, stack.app)
