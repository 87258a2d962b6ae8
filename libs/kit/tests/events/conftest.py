"""Fixtures of the events tests: a database with the kit's tables, a broker on a NATS of its own."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from nats.aio.client import Client

from runnerly_kit.db import Database
from runnerly_kit.events import NatsBroker
from runnerly_kit.testing.nats import NatsServer
from runnerly_kit.testing.plugin import TestDatabase

from .support import create_tables, inspector


@pytest.fixture
async def database(test_database: TestDatabase) -> AsyncIterator[Database]:
    """A fresh database (SQLite, then PostgreSQL) holding the kit's tables."""
    db = test_database.open()
    await create_tables(db)
    yield db
    await db.dispose()


@pytest.fixture
async def broker(own_nats_server: NatsServer) -> AsyncIterator[NatsBroker]:
    """A started broker on a NATS server of this test's own."""
    nats_broker = NatsBroker(own_nats_server.url, client_name="test", reconnect_wait=0.1)
    await nats_broker.start()
    yield nats_broker
    await nats_broker.close()


@pytest.fixture
async def nats_client(own_nats_server: NatsServer) -> AsyncIterator[Client]:
    """A plain NATS client, to look at the streams as an operator would."""
    client = await inspector(own_nats_server.url)
    yield client
    await client.close()
