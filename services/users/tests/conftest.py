"""A real token dealer and the users service per test, on real NATS and a migrated database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from runnerly_kit.testing.nats import NatsServer
from runnerly_kit.testing.plugin import TestDatabase
from runnerly_kit.testing.ports import free_port
from runnerly_kit.testing.servers import serve
from runnerly_tokendealer.testing import running_tokendealer
from runnerly_users.main import create_app

from .support import TOKENDEALER_CLIENTS, Mailbox, Stack, migrate, users_settings


@pytest.fixture
async def stack(
    test_database: TestDatabase, nats_server: NatsServer, tmp_path: Path
) -> AsyncIterator[Stack]:
    # The token dealer keeps its own SQLite file: services never share a database.
    await migrate(test_database.url, test_database.schema)
    mailbox = await Mailbox.open(nats_server.url)
    try:
        async with running_tokendealer(tmp_path, nats_server.url, TOKENDEALER_CLIENTS) as td:
            port = free_port()
            settings = users_settings(
                test_database.url, test_database.schema, nats_server.url, port, td.url
            )
            app = create_app(settings)
            async with serve(app, port=port) as url, httpx.AsyncClient(base_url=url) as http:
                yield Stack(url, app, http, td, mailbox)
    finally:
        await mailbox.close()
