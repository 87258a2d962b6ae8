"""A real token dealer per test: migrated database, real NATS, served by uvicorn on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from runnerly_kit.testing.nats import NatsServer
from runnerly_kit.testing.plugin import TestDatabase
from runnerly_kit.testing.ports import free_port
from runnerly_kit.testing.servers import serve
from runnerly_tokendealer.main import create_app

from .support import TokenDealer, make_settings, migrate


@pytest.fixture
async def migrated_database(test_database: TestDatabase) -> TestDatabase:
    await migrate(test_database)
    return test_database


@pytest.fixture
async def tokendealer(
    migrated_database: TestDatabase, nats_server: NatsServer
) -> AsyncIterator[TokenDealer]:
    port = free_port()
    settings = make_settings(migrated_database, nats_server.url, port)
    app = create_app(settings)
    async with serve(app, port=port) as url, httpx.AsyncClient(base_url=url) as http:
        yield TokenDealer(url, settings, app, http)
