"""A real dashboard per test, in front of the real token dealer, users, mailer, runs and strava."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest

from runnerly_kit.testing.nats import NatsServer
from runnerly_kit.testing.plugin import TestDatabase

from .support import Stack, running_dashboard


@pytest.fixture
def dashboard_options() -> dict[str, Any]:
    """Extra settings of the dashboard (a test module overrides this fixture to change them)."""
    return {}


@pytest.fixture
def runs_running() -> bool:
    """Whether runs is started (a test overrides this fixture to have it down)."""
    return True


@pytest.fixture
async def stack(
    test_database: TestDatabase,
    nats_server: NatsServer,
    tmp_path: Path,
    dashboard_options: dict[str, Any],
    runs_running: bool,
) -> AsyncIterator[Stack]:
    async with running_dashboard(
        test_database, nats_server.url, tmp_path, runs=runs_running, options=dashboard_options
    ) as stack:
        yield stack
