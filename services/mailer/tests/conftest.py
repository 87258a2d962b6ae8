"""A real mailer per test: migrated database, real NATS, a real SMTP server, served by uvicorn.

Tests of the operator API also get a real token dealer, built the way its own
tests build it, whose JWKS the mailer verifies tokens against.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from pathlib import Path

import nats
import nats.js.errors
import pytest

from runnerly_contracts.mailer import SendEmail
from runnerly_kit.events import EVENTS_STREAM, event_subject
from runnerly_kit.testing.nats import NatsServer
from runnerly_kit.testing.plugin import TestDatabase
from runnerly_kit.testing.ports import free_port
from runnerly_mailer.commands import send_handlers
from runnerly_tokendealer.testing import Client, LocalTokenDealer, running_tokendealer

from .smtp_sink import SmtpSink
from .support import Mailer, migrate, running_mailer

StartMailer = Callable[..., Awaitable[Mailer]]


@pytest.fixture
async def broker(nats_server: NatsServer) -> NatsServer:
    """The session's NATS server, with no send command left from an earlier test.

    Its stream keeps every event published in the session, and a new
    ``mailer-send`` consumer starts from the first, so another test's (or
    another service's tests') SendEmail commands would otherwise land here.
    Cheaper than a server per test.
    """
    client = await nats.connect(nats_server.url)
    try:
        jetstream = client.jetstream()
        with contextlib.suppress(nats.js.errors.NotFoundError):
            await jetstream.delete_consumer(EVENTS_STREAM, send_handlers.consumer)
        with contextlib.suppress(nats.js.errors.NotFoundError):
            await jetstream.purge_stream(EVENTS_STREAM, subject=event_subject(SendEmail.event_type))
    finally:
        await client.close()
    return nats_server


@pytest.fixture
def smtp_sink() -> Iterator[SmtpSink]:
    """A running SMTP server on a free loopback port."""
    sink = SmtpSink(free_port())
    sink.start()
    yield sink
    sink.stop()


@pytest.fixture
async def migrated_database(test_database: TestDatabase) -> TestDatabase:
    await migrate(test_database)
    return test_database


@pytest.fixture
async def start_mailer(
    migrated_database: TestDatabase, broker: NatsServer, smtp_sink: SmtpSink
) -> AsyncIterator[StartMailer]:
    """Start a mailer (settings overridable) that stops at the end of the test."""
    async with contextlib.AsyncExitStack() as stack:

        async def start(**overrides: object) -> Mailer:
            return await stack.enter_async_context(
                running_mailer(migrated_database, broker.url, smtp_sink.port, **overrides)
            )

        yield start


@pytest.fixture
async def mailer(start_mailer: StartMailer) -> Mailer:
    """A mailer with the test defaults (tiny retry delays)."""
    return await start_mailer()


@pytest.fixture
async def tokendealer(tmp_path: Path, broker: NatsServer) -> AsyncIterator[LocalTokenDealer]:
    """A real token dealer that knows an operator client (mailer:admin), a service client and
    an exporter (export: any runner's data)."""
    clients = [
        Client("operator", frozenset({"mailer:admin"})),
        Client("runs", frozenset({"runs:write"})),
        Client("exporter", frozenset({"export"})),
    ]
    async with running_tokendealer(tmp_path, broker.url, clients) as running:
        yield running


@pytest.fixture
def tokendealer_url(tokendealer: LocalTokenDealer) -> str:
    return tokendealer.url


@pytest.fixture
async def admin_mailer(start_mailer: StartMailer, tokendealer_url: str) -> Mailer:
    """A mailer trusting the test's token dealer, with few attempts so emails die quickly."""
    return await start_mailer(tokendealer_url=tokendealer_url, max_attempts=3)


@pytest.fixture
async def operator_headers(tokendealer: LocalTokenDealer) -> dict[str, str]:
    """Authorization of an operator holding mailer:admin."""
    return {"Authorization": f"Bearer {await tokendealer.service_token('operator')}"}
