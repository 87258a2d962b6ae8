"""The overview: the last runs, weekly and monthly totals and best efforts in one read."""

from __future__ import annotations

from typing import Any

import pytest

from .support import Stack, a_run, file_of, new_runner


async def get(stack: Stack, runner: str, path: str, **params: Any) -> dict[str, Any]:
    response = await stack.http.get(path, params=params, headers=stack.runner_headers(runner))
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def a_runners_month(stack: Stack) -> str:
    """A runner with uploads (best efforts) and manual runs across weeks and months, in Sydney."""
    runner = new_runner()
    for day, seed in ((2, 1), (9, 2)):
        track = file_of(a_run(day, points=1500, pace_s_per_km=300 - day, seed=seed), "gpx")
        assert (await stack.upload(runner, (f"{day}.gpx", track))).status_code == 201
    # 22:30 UTC on Sunday 22 November is Monday the 23rd in Sydney; 31 October is October's.
    for started_at in ("2026-11-22T22:30:00Z", "2026-10-31T06:00:00Z", "2026-11-25T18:00:00Z"):
        await stack.manual_run(runner, started_at=started_at, distance_m=6000, moving_time_s=1800)
    return runner


async def test_the_overview_equals_the_four_routes_it_gathers(stack: Stack) -> None:
    """Last runs, weekly totals, this month and best efforts are the four routes' own answers."""
    runner = await a_runners_month(stack)
    zone, until = "Australia/Sydney", "2026-11-26"

    overview = await get(stack, runner, "/v1/runs/overview", tz=zone, weeks=6, last=4, until=until)

    assert overview == {
        "runs": (await get(stack, runner, "/v1/runs/last", limit=4))["runs"],
        "weeks": await get(
            stack, runner, "/v1/runs/stats", period="week", count=6, tz=zone, until=until
        ),
        "month": await get(
            stack, runner, "/v1/runs/stats", period="month", count=1, tz=zone, until=until
        ),
        "best_efforts": (await get(stack, runner, "/v1/runs/best-efforts"))["best_efforts"],
    }
    # Not vacuous: runs in the weeks and the month, two uploads' best efforts.
    assert len(overview["runs"]) == 4
    assert [w["count"] for w in overview["weeks"]["totals"]] == [0, 1, 1, 1, 0, 2]
    assert overview["month"]["totals"][0]["count"] == 4
    assert overview["best_efforts"]


async def test_the_overview_defaults_to_twelve_weeks_and_ten_runs_up_to_today(
    stack: Stack,
) -> None:
    """Without parameters: up to ten last runs, twelve UTC weeks and one month."""
    runner = await a_runners_month(stack)

    overview = await get(stack, runner, "/v1/runs/overview")

    assert len(overview["runs"]) == 5
    assert overview["weeks"]["time_zone"] == "UTC"
    assert len(overview["weeks"]["totals"]) == 12
    assert overview["month"]["period"] == "month"
    assert len(overview["month"]["totals"]) == 1


@pytest.mark.parametrize(
    ("params", "code"),
    [
        ({"tz": "Nowhere/City"}, "unknown_time_zone"),
        ({"weeks": 0}, "invalid_input"),
        ({"weeks": 105}, "invalid_input"),
        ({"last": 51}, "invalid_input"),
        ({"until": "soon"}, "invalid_input"),
    ],
)
async def test_bad_overview_parameters_are_refused(
    stack: Stack, params: dict[str, Any], code: str
) -> None:
    """An unknown time zone, weeks or last runs out of range, or a bad date is a 422."""
    response = await stack.http.get(
        "/v1/runs/overview", params=params, headers=stack.runner_headers(new_runner())
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"] == code


async def test_the_overview_shows_only_the_callers_runs(stack: Stack) -> None:
    """Another runner's overview has no runs, empty totals and no best efforts."""
    await a_runners_month(stack)
    ada = new_runner()

    overview = await get(stack, ada, "/v1/runs/overview", until="2026-11-26")

    assert overview["runs"] == []
    assert all(w["count"] == 0 for w in overview["weeks"]["totals"])
    assert overview["month"]["totals"][0]["count"] == 0
    assert overview["best_efforts"] == []


async def test_the_overview_needs_a_runner(stack: Stack) -> None:
    """Without a runner's token the overview is a 401."""
    response = await stack.http.get("/v1/runs/overview")

    assert response.status_code == 401
