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
from runnerly_tokendealer.main import create_app as create_tokendealer
from runnerly_users.main import create_app

from .support import Mailbox, Stack, migrate, tokendealer_settings, users_settings


@pytest.fixture
async def stack(
    test_database: TestDatabase, nats_server: NatsServer, tmp_path: Path
) -> AsyncIterator[Stack]:
    # The token dealer keeps its own SQLite file: services never share a database.
    td_url = f"sqlite+aiosqlite:///{tmp_path / 'tokendealer.db'}"
    await migrate(td_url, "", "tokendealer")
    await migrate(test_database.url, test_database.schema, "users")
    td_port, port = free_port(), free_port()
    td_settings = tokendealer_settings(td_url, nats_server.url, td_port)
    td_app = create_tokendealer(td_settings)
    mailbox = await Mailbox.open(nats_server.url)
    try:
        async with serve(td_app, port=td_port) as td_base:
            settings = users_settings(
                test_database.url, test_database.schema, nats_server.url, port, td_base
            )
            app = create_app(settings)
            async with serve(app, port=port) as url, httpx.AsyncClient(base_url=url) as http:
                yield Stack(url, app, http, td_base, td_app, td_settings, mailbox)
    finally:
        await mailbox.close()
