"""What every outgoing call carries: request id, trace context and this service's token.

The caller is a real service built by the kit's ``create_app`` (no broker): a
request to it makes it call the peer through its runtime's ServiceClient, whose
token provider comes from the service's settings, as in production.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from fastapi import APIRouter

from runnerly_kit.app import ServiceDefinition, create_app
from runnerly_kit.http import ServiceClient, ServiceTokenProvider
from runnerly_kit.runtime import RuntimeDep
from runnerly_kit.settings import ServiceSettings
from runnerly_kit.testing.servers import serve

MakeClient = Callable[..., ServiceClient]
MakeProvider = Callable[..., ServiceTokenProvider]

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"
CLIENT_ID = "runs"
CLIENT_SECRET = "runs-secret:with/odd+chars%"  # the one the test token endpoint knows


@pytest.fixture
async def caller(peer_url: str, tokendealer_url: str, tmp_path: Path) -> AsyncIterator[str]:
    """A kit-built service whose ``/relay`` endpoints call the peer's ``/echo``."""
    router = APIRouter()

    @router.get("/relay")
    async def relay(runtime: RuntimeDep) -> Any:
        return (await runtime.http.get(f"{peer_url}/echo")).json()

    @router.get("/relay-anonymous")
    async def relay_anonymous(runtime: RuntimeDep) -> Any:
        return (await runtime.http.get(f"{peer_url}/echo", authenticate=False)).json()

    settings = ServiceSettings(
        tokendealer_url=tokendealer_url,
        client_id=CLIENT_ID,
        client_secret=CLIENT_SECRET,
        database_url=f"sqlite+aiosqlite:///{tmp_path / 'caller.db'}",
        log_json=False,
    )
    definition = ServiceDefinition(
        title="caller",
        version="1",
        routers=[router],
        client_scopes=("users:read", "runs:write"),
        uses_broker=False,
    )
    async with serve(create_app(settings, definition)) as url:
        yield url


async def test_request_id_trace_context_and_token_reach_the_peer(
    caller: str, token_requests: list[dict[str, str]]
) -> None:
    """The peer sees the caller's request id, the same trace and the caller's service token."""
    async with httpx.AsyncClient() as client:
        response = await client.get(
            f"{caller}/relay", headers={"X-Request-ID": "req-42", "traceparent": TRACEPARENT}
        )
    seen = response.json()
    assert seen["x-request-id"] == "req-42"
    assert seen["traceparent"].split("-")[1] == TRACE_ID
    assert seen["authorization"] == "Bearer tok-1"
    assert token_requests == [
        {
            "client_id": CLIENT_ID,
            "grant_type": "client_credentials",
            "scope": "users:read runs:write",
        }
    ]


async def test_an_anonymous_call_carries_no_token(
    caller: str, token_requests: list[dict[str, str]]
) -> None:
    """With authenticate=False the peer gets no Authorization header and no token is fetched."""
    async with httpx.AsyncClient() as client:
        seen = (await client.get(f"{caller}/relay-anonymous")).json()
    assert "authorization" not in seen
    assert "x-request-id" in seen
    assert token_requests == []


async def test_a_callers_own_authorization_is_kept(
    make_client: MakeClient, make_provider: MakeProvider, peer_url: str, issued: list[str]
) -> None:
    """A caller passing on a runner's token keeps it; the service token is not added."""
    client = make_client(token_provider=make_provider())
    response = await client.get(f"{peer_url}/echo", headers={"Authorization": "Bearer runner-tok"})
    assert response.json()["authorization"] == "Bearer runner-tok"
    assert issued == []


async def test_the_service_token_is_fetched_once_and_reused(
    make_client: MakeClient,
    make_provider: MakeProvider,
    peer_url: str,
    issued: list[str],
    token_options: dict[str, float],
) -> None:
    """Sequential and concurrent calls share one token, fetched once."""
    token_options["delay"] = 0.05  # concurrent first calls all wait for the one fetch
    client = make_client(token_provider=make_provider())
    first = await asyncio.gather(*(client.get(f"{peer_url}/protected") for _ in range(10)))
    later = [await client.get(f"{peer_url}/protected") for _ in range(5)]
    assert {response.status_code for response in [*first, *later]} == {200}
    assert issued == ["tok-1"]


async def test_a_401_refetches_the_token_and_retries_once(
    make_client: MakeClient,
    make_provider: MakeProvider,
    peer_url: str,
    issued: list[str],
    revoked: set[str],
    hits: Counter[str],
) -> None:
    """A peer refusing our token gets the call once more with a fresh token (even a POST)."""
    client = make_client(token_provider=make_provider())
    assert (await client.post(f"{peer_url}/protected")).json() == {"token": "tok-1"}
    revoked.add("tok-1")
    response = await client.post(f"{peer_url}/protected")
    assert response.json() == {"token": "tok-2"}
    assert issued == ["tok-1", "tok-2"]
    assert hits["/protected"] == 3


async def test_a_peer_that_keeps_refusing_gets_one_retry_only(
    make_client: MakeClient,
    make_provider: MakeProvider,
    peer_url: str,
    issued: list[str],
    hits: Counter[str],
) -> None:
    """If the fresh token is refused too, the 401 goes back to the caller."""
    client = make_client(token_provider=make_provider())
    response = await client.get(f"{peer_url}/refusing")
    assert response.status_code == 401
    assert hits["/refusing"] == 2
    assert issued == ["tok-1", "tok-2"]


async def test_a_401_that_does_not_blame_the_token_is_not_retried(
    make_client: MakeClient,
    make_provider: MakeProvider,
    peer_url: str,
    issued: list[str],
    hits: Counter[str],
) -> None:
    """A 401 without ``error="invalid_token"`` is the peer's own answer: sent once, no new token."""
    client = make_client(token_provider=make_provider())
    response = await client.post(f"{peer_url}/status/401")
    assert response.status_code == 401
    assert hits["/status/401"] == 1
    assert issued == ["tok-1"]
