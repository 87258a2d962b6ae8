"""The runs service's part of "Download my data": every run, its recording, GPX tracks."""

from __future__ import annotations

import hashlib
from datetime import datetime
from typing import Any

import httpx
import pytest

from runnerly_contracts.users import UserDeleted
from runnerly_kit.events import record_event
from runnerly_kit.testing.waiting import eventually
from runnerly_runs.tracks.gpx import read_gpx

from .support import Stack, a_run, file_of, new_runner
from .test_strava_activities import put, strava_body


async def _export(stack: Stack, runner: str, headers: dict[str, str]) -> httpx.Response:
    return await stack.http.get(f"/v1/runners/{runner}/export", headers=headers)


async def _runs_from_every_source(stack: Stack, runner: str) -> dict[str, Any]:
    """A typed run, a GPX and a FIT upload, a Strava activity: what each was stored as."""
    gpx, fit = (
        file_of(a_run(3, points=900, seed=1), "gpx"),
        file_of(a_run(4, points=900, seed=2), "fit"),
    )
    manual = await stack.manual_run(runner, title="Treadmill")
    uploaded = await stack.upload(runner, ("tempo.gpx", gpx), ("long.fit", fit))
    assert uploaded.status_code == 201, uploaded.text
    strava = await put(stack, runner, 9001, strava_body(a_run(5, points=600, seed=3)))
    assert strava.status_code in {200, 201}, strava.text
    results = {r["filename"]: r["run_id"] for r in uploaded.json()["runs"]}
    return {
        "manual": manual["id"],
        "gpx": results["tempo.gpx"],
        "fit": results["long.fit"],
        "strava": strava.json()["run_id"],
        "hashes": {hashlib.sha256(gpx).hexdigest(), hashlib.sha256(fit).hexdigest()},
    }


async def test_the_runner_gets_every_run_with_its_recording_and_gpx_tracks(stack: Stack) -> None:
    """Each run in full (splits, laps, bests, sources, series); a GPX file per run with a
    route, which reads back as the same run; nothing for the typed-in run; never cached."""
    runner = new_runner()
    made = await _runs_from_every_source(stack, runner)
    headers = stack.runner_headers(runner)

    response = await _export(stack, runner, headers)

    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert (body["service"], body["runner_id"]) == ("runs", runner)
    runs = {run["id"]: run for run in body["data"]["runs"]}
    assert set(runs) == {made["manual"], made["gpx"], made["fit"], made["strava"]}
    assert runs[made["manual"]]["series"] is None
    assert runs[made["manual"]]["title"] == "Treadmill"
    for kind in ("gpx", "fit", "strava"):
        run = runs[made[kind]]
        assert run["splits"], kind
        assert run["best_efforts"], kind
        assert len(run["series"]["seconds"]) == len(run["series"]["latitudes"]) > 100, kind
    assert runs[made["fit"]]["laps"]
    sources = {s["source"]: s["source_id"] for run in runs.values() for s in run["sources"]}
    assert sources["strava"] == "9001"
    assert {sources["gpx"], sources["fit"]} == made["hashes"]

    files = {f["href"]: f for f in body["files"]}
    assert len(files) == 3
    for kind in ("gpx", "fit", "strava"):
        run = runs[made[kind]]
        href = f"/v1/runners/{runner}/export/runs/{run['id']}/gpx"
        assert files[href]["media_type"] == "application/gpx+xml"
        assert files[href]["name"] == f"{run['started_at'][:10]}-{run['id']}.gpx"
        track = await stack.http.get(href, headers=headers)
        assert track.status_code == 200, track.text
        assert track.headers["content-type"].startswith("application/gpx+xml")
        assert track.headers["cache-control"] == "no-store"
        again = read_gpx(track.content)
        assert again.started_at == datetime.fromisoformat(run["started_at"])
        assert len(again.series) == len(run["series"]["seconds"])
        assert again.series.distances[-1] == pytest.approx(run["distance_m"], rel=0.01)
        assert again.series.heart_rates == run["series"]["heart_rates"]


async def test_another_runner_gets_403_and_no_track(stack: Stack) -> None:
    """Someone else's export is 403; their run's GPX is 403 by their id and 404 by one's own."""
    owner, intruder = new_runner(), new_runner()
    made = await _runs_from_every_source(stack, owner)
    headers = stack.runner_headers(intruder)

    export = await _export(stack, owner, headers)
    by_their_id = await stack.http.get(
        f"/v1/runners/{owner}/export/runs/{made['gpx']}/gpx", headers=headers
    )
    by_own_id = await stack.http.get(
        f"/v1/runners/{intruder}/export/runs/{made['gpx']}/gpx", headers=headers
    )

    assert export.status_code == by_their_id.status_code == 403
    assert by_own_id.status_code == 404
    assert "Treadmill" not in export.text


async def test_a_typed_in_run_has_no_track_to_download(stack: Stack) -> None:
    """The GPX route of a run without a recorded route answers 404 no_track."""
    runner = new_runner()
    run = await stack.manual_run(runner)

    response = await stack.http.get(
        f"/v1/runners/{runner}/export/runs/{run['id']}/gpx", headers=stack.runner_headers(runner)
    )

    assert response.status_code == 404
    assert response.json()["error"]["code"] == "no_track"


async def test_an_operator_exports_anyone_until_the_runner_is_forgotten(stack: Stack) -> None:
    """A service token with scope export reads a runner's runs (and a scopeless one may not);
    after users.user.deleted.v1 the export is empty."""
    runner = new_runner()
    await _runs_from_every_source(stack, runner)
    operator = await stack.service_headers("operator")

    before = await _export(stack, runner, operator)
    refused = await _export(stack, runner, await stack.service_headers("reports"))

    assert before.status_code == 200
    assert len(before.json()["data"]["runs"]) == 4
    assert refused.status_code == 403
    async with stack.runtime.db.transaction() as session:
        record_event(session, UserDeleted(user_id=runner), source="users", subject=runner)

    async def forgotten() -> bool:
        body: dict[str, Any] = (await _export(stack, runner, operator)).json()
        return not body["data"]["runs"] and not body["files"]

    await eventually(forgotten, within=10, what="the deleted runner's runs to be forgotten")
