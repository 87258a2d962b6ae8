"""A real token dealer and the users service per test, on real NATS and a migrated database."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from runnerly_kit.testing.nats import NatsServer
from runnerly_kit.testing.plugin import TestDatabase
from runnerly_kit.testing.ports import free_port
from runnerly_tokendealer.testing import running_tokendealer
from runnerly_users.main import create_app
from runnerly_users.manifest import MANIFEST
from runnerly_users.settings import UsersSettings

from .support import (
    TOKENDEALER_CLIENT,
    TOKENDEALER_CLIENTS,
    USERS_TEST_SETTINGS,
    Mailbox,
    Stack,
)


@pytest.fixture
async def stack(
    test_database: TestDatabase, nats_server: NatsServer, tmp_path: Path
) -> AsyncIterator[Stack]:
    # The token dealer keeps its own SQLite file: services never share a database. It
    # checks logins here, so it is told this service's port before the service starts.
    port = free_port()
    async with (
        running_tokendealer(
            tmp_path,
            nats_server.url,
            TOKENDEALER_CLIENTS,
            users_url=f"http://127.0.0.1:{port}",
            client_secret=TOKENDEALER_CLIENT.password,
        ) as td,
        Stack.start(
            create_app,
            UsersSettings,
            MANIFEST,
            database=test_database,
            nats_url=nats_server.url,
            tokendealer=td,
            settings=USERS_TEST_SETTINGS,
            watch_events=Mailbox,
            port=port,
        ) as stack,
    ):
        yield stack
