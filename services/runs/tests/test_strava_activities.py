"""The strava service's writes: activities upserted once, merged with files, forgotten."""

from __future__ import annotations

from typing import Any

import pytest

from runnerly_runs.tracks.model import Track

from .support import CREATED, DELETED, UPDATED, Stack, a_run, file_of, new_runner


def strava_body(track: Track, **overrides: Any) -> dict[str, Any]:
    """The activity as the strava service sends it (figures and streams of ``track``)."""
    series = track.series
    body: dict[str, Any] = {
        "title": "Morning Run",
        "description": None,
        "sport": "Run",
        "started_at": track.started_at.isoformat(),
        "time_zone": "Europe/Paris",
        "distance_m": series.distances[-1],
        "moving_time_s": series.seconds[-1],
        "elapsed_time_s": series.seconds[-1],
        "elevation_gain_m": 12.0,
        "average_heart_rate": 150.0,
        "max_heart_rate": 171.0,
        "average_cadence": 85.0,
        "polyline": None,
        "laps": [],
        "streams": {
            "time": series.seconds,
            "distance": series.distances,
            "latlng": [
                [lat, lon] for lat, lon in zip(series.latitudes, series.longitudes, strict=True)
            ],
            "altitude": series.elevations,
            "heartrate": series.heart_rates,
        },
    }
    return {**body, **overrides}


async def put(stack: Stack, runner: str, activity_id: int, body: dict[str, Any], **headers: str):  # type: ignore[no-untyped-def]
    return await stack.http.put(
        f"/v1/internal/runners/{runner}/strava-activities/{activity_id}",
        json=body,
        headers=headers or await stack.service_headers(),
    )


async def test_a_strava_activity_is_stored_once_however_often_it_is_sent(stack: Stack) -> None:
    """A Strava activity sent twice is one run, updated the second time, with one created event."""
    runner = new_runner()
    body = strava_body(a_run(2, points=900))

    first = await put(stack, runner, 101, body)
    second = await put(stack, runner, 101, {**body, "title": "Renamed on Strava"})

    assert (first.status_code, first.json()["status"]) == (201, "created")
    assert (second.status_code, second.json()["status"]) == (200, "updated")
    assert first.json()["run_id"] == second.json()["run_id"]
    [run] = await stack.last_runs(runner)
    assert run["title"] == "Renamed on Strava"
    assert run["sources"] == [{"source": "strava", "source_id": "101"}]
    assert run["time_zone"] == "Europe/Paris"
    assert run["average_cadence"] == 170.0  # Strava counts one foot
    assert run["polyline"]  # from the streams, since Strava's summary polyline was absent
    await stack.events.wait_for(UPDATED, run_id=run["id"])
    assert stack.events.count(CREATED, runner_id=runner) == 1


async def test_the_same_run_uploaded_as_a_file_is_not_duplicated(stack: Stack) -> None:
    """A file of a run already synced from Strava is merged into it, not stored as a second run."""
    runner = new_runner()
    track = a_run(3, points=1200, seed=9)
    created = await put(stack, runner, 202, strava_body(track))

    upload = await stack.upload(runner, ("watch.gpx", file_of(track, "gpx")))

    assert upload.status_code == 200
    assert upload.json()["runs"][0] == {
        "filename": "watch.gpx",
        "format": "gpx",
        "status": "merged",
        "run_id": created.json()["run_id"],
    }
    [run] = await stack.last_runs(runner)
    assert sorted(s["source"] for s in run["sources"]) == ["gpx", "strava"]
    assert stack.events.count(CREATED, runner_id=runner) == 1


async def test_strava_merges_into_a_run_imported_from_a_file_first(stack: Stack) -> None:
    """A Strava copy of a run uploaded first as a file merges into it and keeps the file's title."""
    runner = new_runner()
    track = a_run(4, points=1200, seed=10)
    upload = await stack.upload(runner, ("watch.fit", file_of(track, "fit")))

    merged = await put(stack, runner, 303, strava_body(track, title="From Strava"))

    assert (merged.status_code, merged.json()["status"]) == (200, "merged")
    assert merged.json()["run_id"] == upload.json()["runs"][0]["run_id"]
    [run] = await stack.last_runs(runner)
    assert run["title"] != "From Strava"  # the file came first; its run keeps its words


async def test_runs_far_apart_in_time_or_distance_are_not_merged(stack: Stack) -> None:
    """Activities 90 s later or 3% longer than an uploaded run are new runs, not merged into it."""
    runner = new_runner()
    track = a_run(5, points=1200, seed=11)
    body = strava_body(track)
    await stack.upload(runner, ("watch.gpx", file_of(track, "gpx")))

    later = await put(stack, runner, 401, {**body, "started_at": "2026-11-05T07:01:30+00:00"})
    longer = await put(
        stack, runner, 402, {**body, "distance_m": body["distance_m"] * 1.03, "streams": None}
    )

    assert later.json()["status"] == "created"
    assert longer.json()["status"] == "created"
    assert len(await stack.last_runs(runner)) == 3


async def test_deleting_at_strava_removes_a_strava_only_run_but_keeps_a_merged_one(
    stack: Stack,
) -> None:
    """A Strava deletion removes a Strava-only run but keeps one that also came from a file."""
    runner = new_runner()
    alone = await put(stack, runner, 501, strava_body(a_run(6, points=600, seed=1)))
    track = a_run(7, points=600, seed=2)
    await put(stack, runner, 502, strava_body(track))
    await stack.upload(runner, ("also.gpx", file_of(track, "gpx")))
    headers = await stack.service_headers()

    for activity_id in (501, 502, 999):
        response = await stack.http.delete(
            f"/v1/internal/runners/{runner}/strava-activities/{activity_id}", headers=headers
        )
        assert response.status_code == 204

    [run] = await stack.last_runs(runner)
    assert run["sources"] == [{"source": "gpx", "source_id": run["sources"][0]["source_id"]}]
    await stack.events.wait_for(DELETED, run_id=alone.json()["run_id"])


async def test_disconnecting_strava_forgets_all_strava_data(stack: Stack) -> None:
    """Forgetting a runner's Strava data deletes Strava-only runs and unmerges the others."""
    runner = new_runner()
    for activity_id, day in ((601, 8), (602, 9)):
        await put(stack, runner, activity_id, strava_body(a_run(day, points=600)))
    track = a_run(10, points=600)
    await put(stack, runner, 603, strava_body(track))
    await stack.upload(runner, ("kept.tcx", file_of(track, "tcx")))

    response = await stack.http.delete(
        f"/v1/internal/runners/{runner}/strava-activities", headers=await stack.service_headers()
    )

    assert response.status_code == 204
    [run] = await stack.last_runs(runner)
    assert [s["source"] for s in run["sources"]] == ["tcx"]


async def test_only_the_strava_service_may_write_strava_activities(stack: Stack) -> None:
    """A runner or another service gets 403 writing a Strava activity, no token 401; none stored."""
    runner = new_runner()
    body = strava_body(a_run(11, points=300))

    as_runner = await put(stack, runner, 701, body, **stack.runner_headers(runner))
    as_other_service = await put(stack, runner, 701, body, **await stack.service_headers("reports"))
    anonymous = await stack.http.put(
        f"/v1/internal/runners/{runner}/strava-activities/701", json=body
    )

    assert [as_runner.status_code, as_other_service.status_code, anonymous.status_code] == [
        403,
        403,
        401,
    ]
    assert await stack.last_runs(runner) == []


@pytest.mark.parametrize(
    "change",
    [
        {"sport": "Ride"},
        {"started_at": "2026-11-11T07:00:00"},
        {"distance_m": -1},
        {"time_zone": "(GMT+01:00) Europe/Paris"},
        {"streams": {"time": [0, 1, 2], "distance": [0, 3]}},
        {"title": ""},
        {"extra": 1},
    ],
)
async def test_a_bad_strava_activity_is_refused(stack: Stack, change: dict[str, Any]) -> None:
    """A ride, a naive time or a bad figure, stream, time zone or field is a 422; nothing stored."""
    runner = new_runner()
    response = await put(stack, runner, 801, {**strava_body(a_run(12, points=300)), **change})
    assert response.status_code == 422, response.text
    assert await stack.last_runs(runner) == []
