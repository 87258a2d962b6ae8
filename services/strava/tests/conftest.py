"""A real strava service per test: migrated database, real NATS, the real token dealer and runs,
and the local Strava server."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from runnerly_kit.testing.nats import NatsServer
from runnerly_kit.testing.plugin import TestDatabase
from runnerly_kit.testing.ports import free_port
from runnerly_runs.testing import running_runs
from runnerly_strava.main import create_app
from runnerly_strava.manifest import MANIFEST
from runnerly_strava.settings import StravaSettings
from runnerly_strava.testing import running_fake_strava
from runnerly_tokendealer.testing import running_tokendealer

from .support import TOKENDEALER_CLIENTS, Stack, own_settings


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
    async with (
        running_fake_strava(**strava_options) as fake,
        running_tokendealer(tmp_path, nats_server.url, TOKENDEALER_CLIENTS) as td,
        running_runs(tmp_path / "runs", nats_server.url, td.url) as runs,
    ):
        # Picked once the others listen, so that it cannot be one of theirs.
        port = free_port()
        async with Stack.start(
            create_app,
            StravaSettings,
            MANIFEST,
            database=test_database,
            nats_url=nats_server.url,
            tokendealer=td,
            port=port,
            settings={**own_settings(port, fake, runs.url), **stack_options},
            watch_events=None,
        ) as stack:
            stack.strava = fake
            yield stack
