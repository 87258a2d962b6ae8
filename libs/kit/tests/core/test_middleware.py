"""The request middleware: the request id, accepted or created, and returned on every response.

What the middleware logs is checked on a real process's stdout in test_logs.py.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest
import pytest_asyncio
from fastapi import APIRouter, FastAPI

from runnerly_kit.testing.servers import serve

MakeApp = Callable[..., FastAPI]

router = APIRouter(prefix="/v1")


@router.get("/things/{thing_id}")
async def get_thing(thing_id: int) -> dict[str, int]:
    return {"thing_id": thing_id}


@router.get("/boom")
async def boom() -> dict[str, str]:
    raise ValueError("broken invariant")


# One server for the module: these tests only read answers, so they can share it.
pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def client(make_app: MakeApp) -> AsyncIterator[httpx.AsyncClient]:
    async with serve(make_app(router)) as url, httpx.AsyncClient(base_url=url) as http:
        yield http


@pytest.mark.parametrize(
    "request_id", ["abc-123", "0f1e2d3c4b5a69788796a5b4c3d2e1f0", "edge.gw:42_x", "a" * 128]
)
async def test_a_valid_request_id_is_kept_and_returned(
    client: httpx.AsyncClient, request_id: str
) -> None:
    """A caller's well-formed X-Request-ID comes back unchanged."""
    response = await client.get("/v1/things/1", headers={"X-Request-ID": request_id})

    assert response.headers["x-request-id"] == request_id


async def test_a_missing_request_id_is_created(client: httpx.AsyncClient) -> None:
    """Without X-Request-ID the service makes one, different for every request."""
    first = (await client.get("/v1/things/1")).headers["x-request-id"]
    second = (await client.get("/v1/things/1")).headers["x-request-id"]

    assert len(first) == 32
    assert int(first, 16) >= 0
    assert first != second


@pytest.mark.parametrize(
    "bad_id", ["", "has space", 'quote"d', "a" * 129, "<script>", "semi;colon", "ünïcode"]
)
async def test_an_invalid_request_id_is_replaced(client: httpx.AsyncClient, bad_id: str) -> None:
    """An unsafe or oversized X-Request-ID is not echoed or logged; a fresh one replaces it."""
    raw = bad_id.encode()
    response = await client.get("/v1/things/1", headers=[(b"X-Request-ID", raw)])

    returned = response.headers["x-request-id"]
    assert returned != bad_id
    assert len(returned) == 32


async def test_error_responses_carry_the_request_id(client: httpx.AsyncClient) -> None:
    """The 404, 422 and 500 envelopes carry the request id an operator will search for."""
    for path in ("/v1/nowhere", "/v1/things/abc", "/v1/boom"):
        response = await client.get(path, headers={"X-Request-ID": "trace-me"})
        assert response.status_code >= 400
        assert response.headers["x-request-id"] == "trace-me"
