"""A real token dealer and the runs service per test, on real NATS and a migrated database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from runnerly_kit.testing.events import EventLog
from runnerly_kit.testing.nats import NatsServer
from runnerly_kit.testing.plugin import TestDatabase
from runnerly_runs.testing import running_runs
from runnerly_tokendealer.testing import running_tokendealer

from .support import TOKENDEALER_CLIENTS, Stack


@pytest.fixture
async def stack(
    test_database: TestDatabase, nats_server: NatsServer, tmp_path: Path
) -> AsyncIterator[Stack]:
    events = await EventLog.open(nats_server.url)
    try:
        async with (
            running_tokendealer(tmp_path, nats_server.url, TOKENDEALER_CLIENTS) as td,
            running_runs(
                tmp_path,
                nats_server.url,
                td.url,
                database_url=test_database.url,
                database_schema=test_database.schema,
                # Small, so that the size limit is testable without megabytes of fixtures.
                max_upload_bytes=2 * 2**20,
            ) as runs,
            httpx.AsyncClient(base_url=runs.url, timeout=30) as http,
        ):
            yield Stack(runs.url, runs.app, http, td, events)
    finally:
        await events.close()
