"""The export convention: who may export whose data, the shape of the answer, no caching.

A kit-built service on loopback with one export route, verifying tokens against
the local JWKS server as a deployed service would.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager

import httpx
import pytest
from fastapi import APIRouter
from pydantic import BaseModel

from runnerly_kit.export import EXPORT_PATH, EXPORT_ROUTE, ExportedRunner, ExportFile, RunnerExport
from runnerly_kit.testing.contract import check_contract

Issue = Callable[..., str]
RUNNER = "0b6f3a52-1c0e-4d3c-9a53-4a8e8f7c2d10"
OTHER = "7d1f0c8e-5a4b-4e2d-8c1b-2f3e4d5a6b7c"


class Shoes(BaseModel):
    """A tiny service's data about a runner."""

    pairs: list[str]


router = APIRouter()


@router.get(EXPORT_PATH, **EXPORT_ROUTE, response_model=RunnerExport[Shoes])
async def export_runner_data(runner_id: ExportedRunner) -> RunnerExport[Shoes]:
    files = [ExportFile(name="receipt.txt", media_type="text/plain", href="/receipt")]
    return RunnerExport.of("shoes", runner_id, Shoes(pairs=["trail", "road"]), files)


@pytest.fixture
async def client(
    serve_router: Callable[[APIRouter, str], AbstractAsyncContextManager[httpx.AsyncClient]],
) -> AsyncIterator[httpx.AsyncClient]:
    """A client of a kit-built service with one export route."""
    async with serve_router(router, "export-test") as http:
        yield http


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def test_a_runner_exports_their_own_data_uncached(
    client: httpx.AsyncClient, issue: Issue
) -> None:
    """The owner gets the service's data, its files and the time; the answer is no-store."""
    response = await client.get(f"/v1/runners/{RUNNER}/export", headers=_bearer(issue(sub=RUNNER)))

    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["service"] == "shoes"
    assert body["runner_id"] == RUNNER
    assert body["data"] == {"pairs": ["trail", "road"]}
    assert body["files"] == [
        {"name": "receipt.txt", "media_type": "text/plain", "href": "/receipt"}
    ]
    assert body["exported_at"].endswith(("Z", "+00:00"))


async def test_another_runner_is_refused(client: httpx.AsyncClient, issue: Issue) -> None:
    """A runner asking for someone else's export gets 403 and no data."""
    response = await client.get(f"/v1/runners/{OTHER}/export", headers=_bearer(issue(sub=RUNNER)))

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert "pairs" not in response.text


@pytest.mark.parametrize(
    ("scope", "status"), [("export", 200), ("users:read", 403)], ids=["export", "other scope"]
)
async def test_a_service_token_needs_the_export_scope(
    client: httpx.AsyncClient, issue: Issue, scope: str, status: int
) -> None:
    """An operator's client with scope export may export anyone; another scope may not."""
    token = issue(sub="operator", scope=scope, client_id="operator")

    response = await client.get(f"/v1/runners/{OTHER}/export", headers=_bearer(token))

    assert response.status_code == status
    if status == 403:
        assert response.json()["error"]["details"] == {"required_scope": "export"}
    else:
        assert response.json()["runner_id"] == OTHER


async def test_no_token_and_a_malformed_id_are_refused(
    client: httpx.AsyncClient, issue: Issue
) -> None:
    """Without a token 401; an id that is no runner id 422."""
    anonymous = await client.get(f"/v1/runners/{RUNNER}/export")
    malformed = await client.get("/v1/runners/me/export", headers=_bearer(issue(sub=RUNNER)))

    assert anonymous.status_code == 401
    assert malformed.status_code == 422


async def test_the_export_route_keeps_its_contract(client: httpx.AsyncClient) -> None:
    """schemathesis finds no answer off the documented schema, typed data included."""
    document = (await client.get("/openapi.json")).json()
    operation = document["paths"]["/v1/runners/{runner_id}/export"]["get"]

    assert operation["operationId"] == "export_runner_data"
    assert "403" in operation["responses"]
    await check_contract(str(client.base_url), max_examples=5)
