"""Weekly and monthly totals in the runner's time zone, and best efforts across runs."""

from __future__ import annotations

from typing import Any

import pytest

from .support import Stack, a_run, file_of, new_runner


async def stats(stack: Stack, runner: str, **params: Any) -> dict[str, Any]:
    response = await stack.http.get(
        "/v1/runs/stats", params=params, headers=stack.runner_headers(runner)
    )
    assert response.status_code == 200, response.text
    body: dict[str, Any] = response.json()
    return body


async def test_weekly_totals_follow_the_runners_time_zone(stack: Stack) -> None:
    """A Sunday-evening UTC run counts in the next week in Sydney; weekly sums and pace add up."""
    runner = new_runner()
    # 22:30 UTC on Sunday 22 November is 09:30 on Monday the 23rd in Sydney (UTC+11).
    await stack.manual_run(
        runner, started_at="2026-11-22T22:30:00Z", distance_m=5000, moving_time_s=1500
    )
    await stack.manual_run(
        runner,
        started_at="2026-11-18T06:00:00Z",
        distance_m=10000,
        moving_time_s=3000,
        elevation_gain_m=80,
    )

    utc = await stats(stack, runner, period="week", tz="UTC", count=2, until="2026-11-23")
    sydney = await stats(
        stack, runner, period="week", tz="Australia/Sydney", count=2, until="2026-11-23"
    )

    assert [(w["start"], w["count"]) for w in utc["totals"]] == [
        ("2026-11-16", 2),
        ("2026-11-23", 0),
    ]
    # In Sydney the Sunday-evening UTC run was on Monday morning: next week.
    assert [(w["start"], w["count"]) for w in sydney["totals"]] == [
        ("2026-11-16", 1),
        ("2026-11-23", 1),
    ]
    week = utc["totals"][0]
    assert week["distance_m"] == 15000
    assert week["moving_time_s"] == 4500
    assert week["elevation_gain_m"] == 80
    assert week["average_pace_s_per_km"] == 300.0


async def test_monthly_totals_include_empty_months(stack: Stack) -> None:
    """Monthly totals in São Paulo time list months without runs as zero, with no pace."""
    runner = new_runner()
    await stack.manual_run(
        runner, started_at="2026-09-30T23:30:00-02:00", distance_m=7000, moving_time_s=2100
    )
    await stack.manual_run(
        runner, started_at="2026-11-02T08:00:00+01:00", distance_m=3000, moving_time_s=900
    )

    body = await stats(
        stack, runner, period="month", tz="America/Sao_Paulo", count=4, until="2026-11-15"
    )

    # 23:30 at UTC-2 on 30 September is 22:30 in São Paulo (UTC-3): still September.
    assert [(m["start"], m["count"], m["distance_m"]) for m in body["totals"]] == [
        ("2026-08-01", 0, 0),
        ("2026-09-01", 1, 7000),
        ("2026-10-01", 0, 0),
        ("2026-11-01", 1, 3000),
    ]
    assert body["totals"][0]["average_pace_s_per_km"] is None
    assert body["time_zone"] == "America/Sao_Paulo"


@pytest.mark.parametrize(
    "params",
    [
        {"tz": "Nowhere/City"},
        {"period": "year"},
        {"count": 0},
        {"period": "month", "count": 61},
        {"until": "soon"},
    ],
)
async def test_bad_statistics_parameters_are_refused(stack: Stack, params: dict[str, Any]) -> None:
    """An unknown time zone or period, a count out of range or a bad date is refused with 422."""
    response = await stack.http.get(
        "/v1/runs/stats", params=params, headers=stack.runner_headers(new_runner())
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] in {
        "invalid_input",
        "unknown_time_zone",
        "too_many_periods",
    }


async def test_best_efforts_are_the_fastest_across_runs(stack: Stack) -> None:
    """The 1k and 5k best efforts come from the faster of two uploaded runs, with their pace."""
    runner = new_runner()
    slow = a_run(1, points=2000, pace_s_per_km=360, seed=1)
    fast = a_run(2, points=1500, pace_s_per_km=270, seed=2)
    for name, track in (("slow.gpx", slow), ("fast.gpx", fast)):
        assert (await stack.upload(runner, (name, file_of(track, "gpx")))).status_code == 201
    headers = stack.runner_headers(runner)

    bests = (await stack.http.get("/v1/runs/best-efforts", headers=headers)).json()["best_efforts"]
    runs = {run["started_at"][:10]: run["id"] for run in await stack.last_runs(runner)}

    by_name = {best["name"]: best for best in bests}
    assert list(by_name) == ["1k", "5k"]
    assert by_name["1k"]["run_id"] == runs["2026-11-02"]
    assert 250 < by_name["1k"]["elapsed_s"] < 290
    assert by_name["5k"]["run_id"] == runs["2026-11-02"]
    assert by_name["5k"]["pace_s_per_km"] == pytest.approx(by_name["5k"]["elapsed_s"] / 5, abs=0.1)
