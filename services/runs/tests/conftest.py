"""A real token dealer and the runs service per test, on real NATS and a migrated database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from runnerly_kit.testing.nats import NatsServer
from runnerly_kit.testing.plugin import TestDatabase
from runnerly_runs.main import create_app
from runnerly_runs.manifest import MANIFEST
from runnerly_runs.settings import RunsSettings
from runnerly_tokendealer.testing import running_tokendealer

from .support import TOKENDEALER_CLIENTS, Stack


@pytest.fixture
async def stack(
    test_database: TestDatabase, nats_server: NatsServer, tmp_path: Path
) -> AsyncIterator[Stack]:
    async with (
        running_tokendealer(tmp_path, nats_server.url, TOKENDEALER_CLIENTS) as td,
        Stack.start(
            create_app,
            RunsSettings,
            MANIFEST,
            database=test_database,
            nats_url=nats_server.url,
            tokendealer=td,
            # Small, so that the size limit is testable without megabytes of fixtures.
            settings={"max_upload_bytes": 2 * 2**20},
        ) as stack,
    ):
        yield stack
