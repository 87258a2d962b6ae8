"""The whole system, started once per test, and a listener on its broker."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from runnerly_kit.testing.events import EventLog
from runnerly_kit.testing.nats import NatsServer

from .system import System, running_system


@pytest.fixture
async def system(tmp_path: Path, nats_server: NatsServer) -> AsyncIterator[System]:
    async with running_system(tmp_path, nats_server.url) as running:
        yield running


@pytest.fixture
async def events(nats_server: NatsServer) -> AsyncIterator[EventLog]:
    """Every event published on the broker from the moment a test asks for this."""
    log = await EventLog.open(nats_server.url)
    try:
        yield log
    finally:
        await log.close()
