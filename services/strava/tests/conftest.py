"""A real strava service per test: migrated database, real NATS, the real token dealer and runs,
and the local Strava server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from runnerly_kit.testing.nats import NatsServer
from runnerly_kit.testing.plugin import TestDatabase
from runnerly_kit.testing.ports import free_port
from runnerly_kit.testing.servers import serve
from runnerly_runs.testing import running_runs
from runnerly_strava.main import create_app
from runnerly_strava.testing import running_fake_strava
from runnerly_tokendealer.testing import running_tokendealer

from .support import TOKENDEALER_CLIENTS, Stack, migrate, strava_settings


@pytest.fixture
def stack_options() -> dict[str, Any]:
    """Extra settings of the strava service (a test overrides this fixture to change them)."""
    return {}


@pytest.fixture
def strava_options() -> dict[str, Any]:
    """Options of the local Strava (a test overrides this fixture to change them)."""
    return {}


@pytest.fixture
async def stack(
    test_database: TestDatabase,
    nats_server: NatsServer,
    tmp_path: Path,
    stack_options: dict[str, Any],
    strava_options: dict[str, Any],
) -> AsyncIterator[Stack]:
    await migrate(test_database.url, test_database.schema)
    async with (
        running_fake_strava(**strava_options) as fake,
        running_tokendealer(tmp_path, nats_server.url, TOKENDEALER_CLIENTS) as td,
        running_runs(tmp_path / "runs", nats_server.url, td.url) as runs,
    ):
        port = free_port()
        settings = strava_settings(
            database_url=test_database.url,
            schema=test_database.schema,
            nats_url=nats_server.url,
            port=port,
            tokendealer_url=td.url,
            fake=fake,
            runs_url=runs.url,
            **stack_options,
        )
        app = create_app(settings)
        async with serve(app, port=port) as url, httpx.AsyncClient(base_url=url) as http:
            yield Stack(url, app, http, td, fake, runs.url)
