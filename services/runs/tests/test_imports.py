"""Story 7: runs from GPX, TCX and FIT files (and zips of them), each stored once."""

from __future__ import annotations

import dataclasses
import io
import itertools
import math
import zipfile

from runnerly_runs.tracks.model import Track

from .support import CREATED, Stack, a_run, file_of, new_runner

EARTH_RADIUS_M = 6_371_008.8


def haversine_m(track: Track) -> float:
    """The track's length computed here, independently of the service's own code."""
    series = track.series
    points = list(zip(series.latitudes, series.longitudes, strict=True))
    total = 0.0
    for (lat1, lon1), (lat2, lon2) in itertools.pairwise(points):
        assert None not in (lat1, lon1, lat2, lon2)
        p1, p2 = math.radians(lat1), math.radians(lat2)  # type: ignore[arg-type]
        dp, dl = p2 - p1, math.radians(lon2 - lon1)  # type: ignore[operator]
        a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
        total += 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))
    return total


def zipped(*members: tuple[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in members:
            archive.writestr(name, content)
    return buffer.getvalue()


async def test_a_gpx_a_tcx_and_a_fit_file_become_three_runs_newest_first(stack: Stack) -> None:
    """GPX, TCX and FIT uploads are three runs, newest first, with their true distance and time."""
    runner = new_runner()
    tracks = {
        "gpx": a_run(17, points=1500, seed=1),
        "tcx": a_run(19, points=2400, seed=2, pace_s_per_km=300),
        "fit": a_run(18, points=3000, seed=3, pace_s_per_km=360),
    }
    for fmt, track in tracks.items():
        response = await stack.upload(runner, (f"run.{fmt}", file_of(track, fmt)))
        assert response.status_code == 201, response.text
        [imported] = response.json()["runs"]
        assert (imported["format"], imported["status"]) == (fmt, "created")

    runs = await stack.last_runs(runner)

    assert [run["sources"][0]["source"] for run in runs] == ["tcx", "fit", "gpx"]
    for run in runs:
        track = tracks[run["sources"][0]["source"]]
        expected_distance = haversine_m(track)
        expected_duration = track.series.seconds[-1] - track.series.seconds[0]
        assert math.isclose(run["distance_m"], expected_distance, rel_tol=0.005), run
        assert math.isclose(run["elapsed_time_s"], expected_duration, abs_tol=1.0), run
        assert run["started_at"] == track.started_at.isoformat().replace("+00:00", "Z")
        assert run["polyline"]


async def test_a_zip_of_several_files_imports_each(stack: Stack) -> None:
    """A zip holding a GPX, a TCX and a FIT file (one in a folder) imports all three as runs."""
    runner = new_runner()
    archive = zipped(
        ("a/one.gpx", file_of(a_run(10, points=600, seed=4), "gpx")),
        ("two.tcx", file_of(a_run(11, points=600, seed=5), "tcx")),
        ("three.fit", file_of(a_run(12, points=600, seed=6), "fit")),
    )

    response = await stack.upload(runner, ("week.zip", archive))

    assert response.status_code == 201, response.text
    assert sorted(item["format"] for item in response.json()["runs"]) == ["fit", "gpx", "tcx"]
    assert len(await stack.last_runs(runner)) == 3


async def test_importing_the_same_file_twice_is_a_no_op_that_says_so(stack: Stack) -> None:
    """The same file again, even renamed, is 200 already_imported: still one run, one event."""
    runner = new_runner()
    content = file_of(a_run(14, points=900), "gpx")
    first = await stack.upload(runner, ("morning.gpx", content))
    run_id = first.json()["runs"][0]["run_id"]

    again = await stack.upload(runner, ("renamed.gpx", content))

    assert again.status_code == 200
    assert again.json()["runs"] == [
        {"filename": "renamed.gpx", "format": "gpx", "status": "already_imported", "run_id": run_id}
    ]
    assert len(await stack.last_runs(runner)) == 1
    await stack.events.wait_for(CREATED, run_id=run_id)
    assert stack.events.count(CREATED, runner_id=runner) == 1


async def test_the_same_run_from_two_watches_files_is_stored_once(stack: Stack) -> None:
    """A TCX and a FIT of one run (same start, same distance) are one run with two sources."""
    runner = new_runner()
    track = a_run(15, points=1200, seed=7)
    first = await stack.upload(runner, ("watch.fit", file_of(track, "fit")))
    second = await stack.upload(runner, ("export.tcx", file_of(track, "tcx")))

    assert first.status_code == 201
    assert second.status_code == 200
    assert second.json()["runs"][0]["status"] == "merged"
    [run] = await stack.last_runs(runner)
    assert sorted(s["source"] for s in run["sources"]) == ["fit", "tcx"]


async def test_a_different_runner_importing_the_same_file_gets_their_own_run(stack: Stack) -> None:
    """Two runners uploading the same file each get a run of their own (201 both times)."""
    content = file_of(a_run(16, points=600), "gpx")
    ada, bob = new_runner(), new_runner()
    for runner in (ada, bob):
        assert (await stack.upload(runner, ("shared.gpx", content))).status_code == 201
    assert len(await stack.last_runs(ada)) == len(await stack.last_runs(bob)) == 1


async def test_a_bike_ride_is_not_a_run(stack: Stack) -> None:
    """A cycling activity is refused with 422 not_a_run, and no run is stored."""
    runner = new_runner()
    ride = dataclasses.replace(a_run(13, points=600), sport="cycling")

    response = await stack.upload(runner, ("ride.tcx", file_of(ride, "tcx")))

    assert response.status_code == 422
    assert response.json()["error"]["details"]["problem"] == "not_a_run"
    assert await stack.last_runs(runner) == []
