"""Story 3: a runner's runs — by hand, listed newest first with a cursor, edited, deleted."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from .support import CREATED, DELETED, UPDATED, Stack, a_run, file_of, new_runner


async def test_a_run_added_by_hand_is_listed_with_its_pace(stack: Stack) -> None:
    """A run typed in by hand is stored in UTC with its pace and speed, and is announced."""
    runner = new_runner()

    run = await stack.manual_run(
        runner, title="Track session", distance_m=10000, moving_time_s=2700
    )

    assert run["title"] == "Track session"
    assert run["started_at"] == "2026-11-20T11:00:00Z"
    assert run["average_pace_s_per_km"] == 270.0
    assert run["average_speed_mps"] == pytest.approx(10000 / 2700)
    assert run["elapsed_time_s"] == 2700
    assert run["sources"][0]["source"] == "manual"
    assert run["splits"] == []
    assert run["has_series"] is False
    created = await stack.events.wait_for(CREATED, run_id=run["id"])
    assert created.subject == runner
    assert created.data["distance_m"] == 10000


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"title": ""}, "title"),
        ({"distance_m": 0}, "distance_m"),
        ({"distance_m": -5}, "distance_m"),
        ({"moving_time_s": "fast"}, "moving_time_s"),
        ({"started_at": "2026-11-20T12:00:00"}, "started_at"),
        ({"time_zone": "Mars/Olympus"}, "time_zone"),
        ({"elapsed_time_s": 10}, None),
        ({"average_heart_rate": 180, "max_heart_rate": 170}, None),
        ({"surprise": True}, "surprise"),
    ],
)
async def test_a_bad_manual_run_is_refused_and_nothing_is_stored(
    stack: Stack, change: dict[str, object], field: str | None
) -> None:
    """A manual run with a bad, inconsistent or unknown field is a 422; nothing is stored."""
    runner = new_runner()
    body = {
        "title": "x",
        "started_at": "2026-11-20T12:00:00Z",
        "distance_m": 5000,
        "moving_time_s": 1500,
    }

    response = await stack.http.post(
        "/v1/runs", json={**body, **change}, headers=stack.runner_headers(runner)
    )

    assert response.status_code == 422, response.text
    assert response.json()["error"]["code"] == "invalid_input"
    if field is not None:
        assert field in response.text
    assert await stack.last_runs(runner) == []


async def test_runs_are_paged_newest_first_with_a_cursor(stack: Stack) -> None:
    """Seven runs listed three at a time come newest first over three pages, each run once."""
    runner = new_runner()
    start = datetime(2026, 10, 1, 7, tzinfo=UTC)
    for day in range(7):
        await stack.manual_run(
            runner, title=f"day {day}", started_at=(start + timedelta(days=day)).isoformat()
        )
    headers = stack.runner_headers(runner)

    titles: list[str] = []
    cursor = None
    pages = 0
    while True:
        params = {"limit": 3, **({"cursor": cursor} if cursor else {})}
        page = (await stack.http.get("/v1/runs", params=params, headers=headers)).json()
        titles += [run["title"] for run in page["runs"]]
        pages += 1
        cursor = page["next_cursor"]
        if cursor is None:
            break

    assert titles == [f"day {day}" for day in range(6, -1, -1)]
    assert pages == 3


async def test_runs_can_be_filtered_by_date(stack: Stack) -> None:
    """started_after and started_before keep only the runs that started between them."""
    runner = new_runner()
    for day in (1, 5, 9):
        await stack.manual_run(runner, title=f"Nov {day}", started_at=f"2026-11-0{day}T07:00:00Z")

    response = await stack.http.get(
        "/v1/runs",
        params={
            "started_after": "2026-11-02T00:00:00Z",
            "started_before": "2026-11-09T00:00:00+00:00",
        },
        headers=stack.runner_headers(runner),
    )

    assert [run["title"] for run in response.json()["runs"]] == ["Nov 5"]


@pytest.mark.parametrize(
    "params",
    [
        {"cursor": "not-a-cursor"},
        {"cursor": "WyIyMDI2LTExLTAxIiwgMV0"},  # a JSON list, but not ours (naive time, number id)
        {"limit": 0},
        {"limit": 101},
        {"started_after": "yesterday"},
        {"started_after": "2026-11-01T00:00:00"},
    ],
)
async def test_bad_listing_parameters_are_refused(stack: Stack, params: dict[str, Any]) -> None:
    """A forged cursor, a limit out of 1..100 or a date without a time zone is refused with 422."""
    response = await stack.http.get(
        "/v1/runs", params=params, headers=stack.runner_headers(new_runner())
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] in {"invalid_input", "invalid_cursor"}


async def test_last_runs_defaults_to_ten(stack: Stack) -> None:
    """/v1/runs/last gives the ten newest runs unless asked for another number."""
    runner = new_runner()
    for day in range(1, 13):
        await stack.manual_run(runner, title=f"{day}", started_at=f"2026-09-{day:02d}T07:00:00Z")

    runs = await stack.last_runs(runner)
    response = await stack.http.get("/v1/runs/last", headers=stack.runner_headers(runner))

    assert [run["title"] for run in runs] == [str(day) for day in range(12, 2, -1)]
    assert response.json()["runs"] == runs
    assert response.headers["content-type"] == "application/json"
    assert len(await stack.last_runs(runner, limit=3)) == 3


async def test_one_run_from_a_file_has_splits_laps_series_and_best_efforts(stack: Stack) -> None:
    """An uploaded FIT run has kilometre splits, laps, 1k and 5k bests and a per-second series."""
    runner = new_runner()
    track = a_run(21, points=2100)  # 35 minutes at 5:30/km: about 6.4 km
    uploaded = await stack.upload(runner, ("tempo.fit", file_of(track, "fit")))
    run_id = uploaded.json()["runs"][0]["run_id"]
    headers = stack.runner_headers(runner)

    run = (await stack.http.get(f"/v1/runs/{run_id}", headers=headers)).json()
    series = (await stack.http.get(f"/v1/runs/{run_id}/series", headers=headers)).json()

    assert [split["kilometre"] for split in run["splits"]] == [1, 2, 3, 4, 5, 6, 7]
    assert sum(split["distance_m"] for split in run["splits"]) == pytest.approx(
        run["distance_m"], rel=1e-3
    )
    assert run["laps"]
    assert [effort["name"] for effort in run["best_efforts"]] == ["1k", "5k"]
    assert run["has_series"] is True
    assert len(series["seconds"]) == len(series["heart_rates"]) == 2100
    assert series["seconds"][0] == 0


async def test_a_manual_run_has_no_series(stack: Stack) -> None:
    """Asking for the series of a run typed in by hand is 404 no_series."""
    runner = new_runner()
    run = await stack.manual_run(runner)
    response = await stack.http.get(
        f"/v1/runs/{run['id']}/series", headers=stack.runner_headers(runner)
    )
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "no_series"


async def test_a_runner_edits_the_title_and_description(stack: Stack) -> None:
    """An edited title and description are stored trimmed and published with the fields named."""
    runner = new_runner()
    run = await stack.manual_run(runner)
    headers = stack.runner_headers(runner)

    response = await stack.http.patch(
        f"/v1/runs/{run['id']}",
        json={"title": "  Easy run ", "description": "Felt good"},
        headers=headers,
    )

    assert response.status_code == 200
    assert (response.json()["title"], response.json()["description"]) == ("Easy run", "Felt good")
    assert (await stack.last_runs(runner))[0]["title"] == "Easy run"
    updated = await stack.events.wait_for(UPDATED, run_id=run["id"])
    assert updated.data["fields"] == ["title", "description"]


@pytest.mark.parametrize(
    "body", [{}, {"title": None}, {"title": ""}, {"distance_m": 1}, {"title": "x" * 201}]
)
async def test_a_bad_edit_is_refused_and_changes_nothing(
    stack: Stack, body: dict[str, object]
) -> None:
    """An empty edit, a blank or long title or a read-only field is a 422; the run is unchanged."""
    runner = new_runner()
    run = await stack.manual_run(runner)

    response = await stack.http.patch(
        f"/v1/runs/{run['id']}", json=body, headers=stack.runner_headers(runner)
    )

    assert response.status_code == 422
    assert (await stack.last_runs(runner))[0]["title"] == run["title"]


async def test_a_deleted_run_is_gone(stack: Stack) -> None:
    """A deleted run is 404 after, leaves the listing and is published; deleting again is 404."""
    runner = new_runner()
    run = await stack.manual_run(runner)
    headers = stack.runner_headers(runner)

    assert (await stack.http.delete(f"/v1/runs/{run['id']}", headers=headers)).status_code == 204

    assert (await stack.http.get(f"/v1/runs/{run['id']}", headers=headers)).status_code == 404
    assert await stack.last_runs(runner) == []
    await stack.events.wait_for(DELETED, run_id=run["id"], runner_id=runner)
    again = await stack.http.delete(f"/v1/runs/{run['id']}", headers=headers)
    assert again.status_code == 404


async def test_an_unknown_or_malformed_run_id_is_refused(stack: Stack) -> None:
    """An unknown run id is 404 run_not_found; an id that is not a UUID is 422."""
    headers = stack.runner_headers(new_runner())
    missing = await stack.http.get("/v1/runs/00000000-0000-4000-8000-000000000000", headers=headers)
    malformed = await stack.http.get("/v1/runs/12", headers=headers)
    assert (missing.status_code, missing.json()["error"]["code"]) == (404, "run_not_found")
    assert malformed.status_code == 422
