"""A real token dealer per test: migrated database, real NATS, served by uvicorn on loopback."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from runnerly_kit.testing.nats import NatsServer
from runnerly_kit.testing.plugin import TestDatabase
from runnerly_tokendealer.main import create_app
from runnerly_tokendealer.manifest import MANIFEST
from runnerly_tokendealer.settings import TokenDealerSettings

from .support import TokenDealer, migrate, own_settings


@pytest.fixture
async def migrated_database(test_database: TestDatabase) -> TestDatabase:
    await migrate(test_database)
    return test_database


@pytest.fixture
async def tokendealer(
    migrated_database: TestDatabase, nats_server: NatsServer
) -> AsyncIterator[TokenDealer]:
    async with TokenDealer.start(
        create_app,
        TokenDealerSettings,
        MANIFEST,
        database=migrated_database,
        nats_url=nats_server.url,
        settings=own_settings(),
        migrate=False,  # migrated_database did, and tests serving by hand use it too
        watch_events=None,
    ) as tokendealer:
        yield tokendealer
