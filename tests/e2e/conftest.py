"""The system of story 1, started once per test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from runnerly_kit.testing.nats import NatsServer

from .system import System, running_system


@pytest.fixture
async def system(tmp_path: Path, nats_server: NatsServer) -> AsyncIterator[System]:
    async with running_system(tmp_path, nats_server.url) as running:
        yield running
