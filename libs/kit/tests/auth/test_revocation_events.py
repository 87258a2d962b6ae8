"""Revocation events reach a running service: a kit-built app on a real NATS server.

The app verifies tokens against the local JWKS server and watches the broker
as a deployed service does; events are published by another broker client,
as the users service and the token dealer would.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import APIRouter

from runnerly_kit.app import ServiceDefinition, create_app
from runnerly_kit.auth import CurrentRunner
from runnerly_kit.auth.events import SessionRevoked, UserDeleted
from runnerly_kit.db import Database, new_metadata
from runnerly_kit.events import (
    BrokerUnavailable,
    Envelope,
    EventData,
    NatsBroker,
    include_kit_tables,
)
from runnerly_kit.settings import ServiceSettings
from runnerly_kit.testing.nats import NatsServer
from runnerly_kit.testing.servers import serve
from runnerly_kit.testing.waiting import eventually

Issue = Callable[..., str]

router = APIRouter(prefix="/v1")


@router.get("/me")
async def me(runner: CurrentRunner) -> dict[str, str]:
    return {"id": runner.id}


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


@pytest.fixture
async def database_url(tmp_path: Path) -> str:
    """An SQLite file holding the kit's tables (the app's outbox relay reads them)."""
    url = f"sqlite+aiosqlite:///{tmp_path / 'svc.db'}"
    metadata = new_metadata()
    include_kit_tables(metadata)
    db = Database(url)
    try:
        async with db.engine.begin() as connection:
            await connection.run_sync(metadata.create_all)
    finally:
        await db.dispose()
    return url


@pytest.fixture
def service(jwks_url: str, database_url: str, own_nats_server: NatsServer) -> Callable[[], Any]:
    """Start the service (again and again, as a restarted process); yields a client of it."""

    @asynccontextmanager
    async def start() -> AsyncIterator[httpx.AsyncClient]:
        settings = ServiceSettings(
            jwks_url=jwks_url,
            database_url=database_url,
            nats_url=own_nats_server.url,
            log_json=False,
        )
        definition = ServiceDefinition(title="revocation-test", version="1", routers=[router])
        async with (
            serve(create_app(settings, definition)) as url,
            httpx.AsyncClient(base_url=url) as http,
        ):
            yield http

    return start


@pytest.fixture
async def publisher(own_nats_server: NatsServer) -> AsyncIterator[Callable[[EventData], Any]]:
    """Publish an event as its owning service would (through the broker, not the app)."""
    broker = NatsBroker(own_nats_server.url, client_name="publisher")
    await broker.start()

    async def publish(data: EventData) -> None:
        envelope = Envelope.wrap(data, source="test")

        async def stored() -> bool:
            # The publisher may still be reconnecting after an outage.
            try:
                await broker.publish(envelope)
            except BrokerUnavailable:
                return False
            return True

        await eventually(stored, within=10, what="the event to be published")

    yield publish
    await broker.close()


async def _status(http: httpx.AsyncClient, token: str) -> int:
    return (await http.get("/v1/me", headers=_bearer(token))).status_code


async def test_an_event_revokes_a_token_already_verified_within_seconds(
    service: Callable[[], Any], publisher: Callable[[EventData], Any], issue: Issue
) -> None:
    """A deleted runner's cached, unexpired token is refused with invalid_token once the event
    arrives; another runner's token still works."""
    token, other = issue(sub="runner-1"), issue(sub="runner-2")
    async with service() as http:
        assert await _status(http, token) == 200  # verified, and now in the verifier's cache
        await publisher(UserDeleted(user_id="runner-1"))

        async def refused() -> bool:
            return await _status(http, token) == 401

        await eventually(refused, within=5, what="the token to be refused")
        response = await http.get("/v1/me", headers=_bearer(token))
        assert response.json()["error"]["code"] == "invalid_token"
        assert response.headers["www-authenticate"].startswith('Bearer error="invalid_token"')
        assert await _status(http, other) == 200


async def test_a_duplicate_event_is_harmless(
    service: Callable[[], Any], publisher: Callable[[EventData], Any], issue: Issue
) -> None:
    """The same revocation delivered twice refuses the same tokens and nothing more."""
    revoked = issue(sub="runner-1", sid="s-1")
    same_runner_other_session = issue(sub="runner-1", sid="s-2")
    async with service() as http:
        for _ in range(2):
            await publisher(SessionRevoked(user_id="runner-1", session_id="s-1"))

        async def refused() -> bool:
            return await _status(http, revoked) == 401

        await eventually(refused, within=5, what="the session's token to be refused")
        assert await _status(http, same_runner_other_session) == 200


async def test_a_started_process_learns_revocations_from_before_its_start(
    service: Callable[[], Any], publisher: Callable[[EventData], Any], issue: Issue
) -> None:
    """A process (re)started after a revocation refuses the token from its first request."""
    token = issue(sub="runner-1")
    async with service() as http:
        assert await _status(http, token) == 200
    await publisher(UserDeleted(user_id="runner-1"))
    async with service() as http:
        assert await _status(http, token) == 401


async def test_revocations_arrive_after_a_broker_outage(
    service: Callable[[], Any],
    own_nats_server: NatsServer,
    publisher: Callable[[EventData], Any],
    issue: Issue,
) -> None:
    """The watch resumes when the broker comes back: a revocation published then arrives."""
    token = issue(sub="runner-1")
    async with service() as http:
        own_nats_server.stop()
        assert await _status(http, token) == 200  # tokens keep working during the outage
        own_nats_server.start()
        await publisher(UserDeleted(user_id="runner-1"))

        async def refused() -> bool:
            return await _status(http, token) == 401

        await eventually(refused, within=15, what="the token to be refused after the outage")


async def test_every_replica_sees_every_revocation(
    service: Callable[[], Any], publisher: Callable[[EventData], Any], issue: Issue
) -> None:
    """Two replicas of one service each refuse the token: the event is not shared out among
    them as a durable consumer's would be."""
    token = issue(sub="runner-1")
    async with service() as first, service() as second:
        await publisher(UserDeleted(user_id="runner-1"))

        async def both_refuse() -> bool:
            return [await _status(first, token), await _status(second, token)] == [401, 401]

        await eventually(both_refuse, within=5, what="both replicas to refuse the token")
