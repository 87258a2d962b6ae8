"""Prometheus ``/metrics``: request count, errors and latency by route template."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from runnerly_kit.errors import Conflict
from runnerly_kit.testing.servers import serve

MakeApp = Callable[..., FastAPI]

router = APIRouter(prefix="/v1")


@router.get("/things/{thing_id}")
async def get_thing(thing_id: int) -> dict[str, int]:
    return {"thing_id": thing_id}


@router.post("/things/{thing_id}/claim")
async def claim_thing(thing_id: int) -> dict[str, int]:
    raise Conflict("Already claimed.", details={"thing_id": thing_id})


@router.get("/boom")
async def boom() -> dict[str, str]:
    raise RuntimeError("bug")


@pytest.fixture
async def client(make_app: MakeApp) -> AsyncIterator[httpx.AsyncClient]:
    async with serve(make_app(router)) as url, httpx.AsyncClient(base_url=url) as http:
        yield http


async def scrape(client: httpx.AsyncClient) -> list[Sample]:
    """Every sample the service exposes, parsed as Prometheus parses them."""
    response = await client.get("/metrics")
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/plain")
    return [
        sample
        for family in text_string_to_metric_families(response.text)
        for sample in family.samples
    ]


def value(samples: list[Sample], name: str, **labels: str) -> float:
    """The value of the one sample with this name and (at least) these labels; 0 if absent."""
    found = [s for s in samples if s.name == name and labels.items() <= s.labels.items()]
    assert len(found) <= 1, found
    return found[0].value if found else 0.0


async def test_requests_are_counted_by_route_template(client: httpx.AsyncClient) -> None:
    """Requests to /v1/things/42 and /v1/things/7 count under /v1/things/{thing_id}."""
    for thing_id in (42, 7, 42):
        await client.get(f"/v1/things/{thing_id}")

    samples = await scrape(client)

    route = "/v1/things/{thing_id}"
    assert value(samples, "http_requests_total", method="GET", route=route, status="200") == 3
    assert not [s for s in samples if "/v1/things/42" in s.labels.get("route", "")]


async def test_unknown_routes_are_grouped_as_unmatched(client: httpx.AsyncClient) -> None:
    """A scanner probing random paths adds one series, not one per path."""
    for path in ("/wp-admin", "/.env", "/v1/things/1/nope"):
        await client.get(path)

    samples = await scrape(client)

    assert (
        value(samples, "http_requests_total", method="GET", route="<unmatched>", status="404") == 3
    )
    routes = {s.labels["route"] for s in samples if "route" in s.labels}
    assert not routes & {"/wp-admin", "/.env", "/v1/things/1/nope"}


async def test_errors_are_counted_by_kind(client: httpx.AsyncClient) -> None:
    """4xx answers count as client errors and 5xx as server errors, by route."""
    await client.post("/v1/things/5/claim")
    await client.get("/v1/things/abc")
    await client.get("/v1/boom")
    await client.get("/v1/boom")

    samples = await scrape(client)

    claim = "/v1/things/{thing_id}/claim"
    errors = "http_request_errors_total"
    assert value(samples, errors, method="POST", route=claim, kind="client") == 1
    assert value(samples, errors, method="GET", route="/v1/things/{thing_id}", kind="client") == 1
    assert value(samples, errors, method="GET", route="/v1/boom", kind="server") == 2
    assert value(samples, "http_requests_total", route="/v1/boom", status="500") == 2


async def test_latency_is_a_histogram_by_route(client: httpx.AsyncClient) -> None:
    """Every request lands in the latency histogram of its route, in its buckets."""
    for thing_id in range(4):
        await client.get(f"/v1/things/{thing_id}")

    samples = await scrape(client)

    route = "/v1/things/{thing_id}"
    histogram = "http_request_duration_seconds"
    assert value(samples, f"{histogram}_count", method="GET", route=route) == 4
    assert value(samples, f"{histogram}_bucket", method="GET", route=route, le="+Inf") == 4
    assert value(samples, f"{histogram}_sum", method="GET", route=route) > 0


async def test_in_progress_gauge_returns_to_idle(client: httpx.AsyncClient) -> None:
    """After the requests finish, only the scrape itself is in progress."""
    await client.get("/v1/things/1")
    await client.get("/v1/boom")

    samples = await scrape(client)

    assert value(samples, "http_requests_in_progress") == 1


async def test_two_apps_in_one_process_keep_separate_metrics(make_app: MakeApp) -> None:
    """Each app has its own registry: two services in one process do not mix their counts."""
    async with (
        serve(make_app(router)) as first_url,
        serve(make_app(router)) as second_url,
        httpx.AsyncClient(base_url=first_url) as first_client,
        httpx.AsyncClient(base_url=second_url) as second_client,
    ):
        await first_client.get("/v1/things/1")
        await first_client.get("/v1/things/2")
        await second_client.get("/v1/things/3")

        first = await scrape(first_client)
        second = await scrape(second_client)

    route = "/v1/things/{thing_id}"
    assert value(first, "http_requests_total", route=route) == 2
    assert value(second, "http_requests_total", route=route) == 1
