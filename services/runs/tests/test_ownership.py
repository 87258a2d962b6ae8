"""A runner cannot see, change or delete another runner's runs — on every route."""

from __future__ import annotations

import pytest

from .support import Stack, a_run, file_of, new_runner


@pytest.fixture
async def bobs_run(stack: Stack) -> tuple[str, str]:
    bob = new_runner()
    response = await stack.upload(bob, ("bob.gpx", file_of(a_run(8, points=900), "gpx")))
    return bob, response.json()["runs"][0]["run_id"]


async def test_another_runners_run_is_not_found_on_every_route(
    stack: Stack, bobs_run: tuple[str, str]
) -> None:
    """Reading, changing or deleting another runner's run is 404; their run stays unchanged."""
    bob, run_id = bobs_run
    ada = stack.runner_headers(new_runner())

    answers = [
        await stack.http.get(f"/v1/runs/{run_id}", headers=ada),
        await stack.http.get(f"/v1/runs/{run_id}/series", headers=ada),
        await stack.http.patch(f"/v1/runs/{run_id}", json={"title": "mine"}, headers=ada),
        await stack.http.delete(f"/v1/runs/{run_id}", headers=ada),
    ]

    # 404 as if it did not exist: ids of others' runs are not confirmed either.
    assert [(a.status_code, a.json()["error"]["code"]) for a in answers] == [
        (404, "run_not_found")
    ] * 4
    [run] = await stack.last_runs(bob)
    assert run["id"] == run_id
    assert run["title"] != "mine"


async def test_listings_stats_and_bests_show_only_the_callers_runs(
    stack: Stack, bobs_run: tuple[str, str]
) -> None:
    """Listings, weekly stats and best efforts show nothing of another runner's runs."""
    _bob, _run_id = bobs_run
    ada = new_runner()
    headers = stack.runner_headers(ada)

    assert await stack.last_runs(ada) == []
    assert (await stack.http.get("/v1/runs", headers=headers)).json()["runs"] == []
    stats = (
        await stack.http.get("/v1/runs/stats", params={"until": "2026-11-08"}, headers=headers)
    ).json()
    assert all(week["count"] == 0 for week in stats["totals"])
    bests = (await stack.http.get("/v1/runs/best-efforts", headers=headers)).json()
    assert bests == {"best_efforts": []}


@pytest.mark.parametrize(
    ("method", "path"),
    [
        ("GET", "/v1/runs"),
        ("GET", "/v1/runs/last"),
        ("POST", "/v1/runs"),
        ("POST", "/v1/runs/imports"),
        ("GET", "/v1/runs/stats"),
        ("GET", "/v1/runs/best-efforts"),
        ("GET", "/v1/runs/00000000-0000-4000-8000-000000000000"),
        ("PATCH", "/v1/runs/00000000-0000-4000-8000-000000000000"),
        ("DELETE", "/v1/runs/00000000-0000-4000-8000-000000000000"),
        ("GET", "/v1/runs/00000000-0000-4000-8000-000000000000/series"),
    ],
)
async def test_every_runner_route_needs_a_runners_token(
    stack: Stack, method: str, path: str
) -> None:
    """Every runner route answers 401 without a token and 403 to a service's token."""
    anonymous = await stack.http.request(method, path)
    as_service = await stack.http.request(method, path, headers=await stack.service_headers())

    assert anonymous.status_code == 401
    assert as_service.status_code == 403
