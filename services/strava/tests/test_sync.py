"""The sync: backfill on connect, webhook events, only runs kept, everything landing in runs."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from runnerly_kit.testing.waiting import eventually

from .support import Stack, new_runner


@pytest.fixture
def stack_options() -> dict[str, Any]:
    # Small pages, so the backfill of a handful of activities takes several.
    return {"page_size": 2}


async def test_connecting_backfills_the_runs_and_a_webhook_event_brings_a_new_one(
    stack: Stack,
) -> None:
    """Connecting backfills the athlete's runs, not rides, page by page; a pushed event adds one."""
    runner = new_runner()
    athlete = stack.strava.add_athlete()
    now = datetime.now(UTC).replace(microsecond=0)
    morning = stack.strava.add_activity(athlete, "Run", start=now - timedelta(days=3))
    trail = stack.strava.add_activity(athlete, "TrailRun", start=now - timedelta(days=2))
    treadmill = stack.strava.add_activity(athlete, "VirtualRun", start=now - timedelta(days=5))
    ride = stack.strava.add_activity(athlete, "Ride", start=now - timedelta(days=1))
    someone_else = stack.strava.add_activity(stack.strava.add_athlete(), "Run")
    await stack.subscribe()

    await stack.connected(runner, athlete)

    expected = {str(morning), str(trail), str(treadmill)}
    await eventually(
        lambda: _has(stack, runner, expected), what="the backfilled runs in the runs service"
    )
    await eventually(stack.idle, what="the end of the backfill")
    assert await stack.strava_ids_in_runs(runner) == expected  # the ride is not there
    assert str(ride) not in await stack.strava_ids_in_runs(runner)
    assert str(someone_else) not in await stack.strava_ids_in_runs(runner)
    connection = await stack.connection(runner)
    assert connection["backfill"] == "done"
    assert connection["last_synced_at"] is not None
    pages = [int(c.params["page"]) for c in stack.strava.api_calls("/athlete/activities")]
    assert pages == [1, 2, 3]  # four activities, two a page, until the empty page
    runs = {run["sources"][0]["source_id"]: run for run in await stack.runs_of(runner)}
    assert runs[str(morning)]["title"] == "Morning Run"
    assert runs[str(morning)]["distance_m"] == pytest.approx(10_000.0)

    new_run = stack.strava.add_activity(athlete, "Run", name="Evening tempo", start=now)
    answer = await stack.strava.push_event(
        object_type="activity", object_id=new_run, aspect_type="create", owner_id=athlete
    )

    assert answer.status_code == 200
    await eventually(
        lambda: _has(stack, runner, {str(new_run)}), what="the pushed run in the runs service"
    )


async def test_updates_and_deletions_on_strava_follow_in_runs(stack: Stack) -> None:
    """A rename, a deletion and a run turned ride on Strava are followed in runs."""
    runner = new_runner()
    athlete = stack.strava.add_athlete()
    renamed = stack.strava.add_activity(athlete, "Run", name="Lunch Run")
    deleted = stack.strava.add_activity(athlete, "Run")
    turned_ride = stack.strava.add_activity(athlete, "Run")
    await stack.subscribe()
    await stack.connected(runner, athlete)
    await eventually(
        lambda: _has(stack, runner, {str(renamed), str(deleted), str(turned_ride)}),
        what="the backfill",
    )

    stack.strava.update_activity(renamed, name="Lunch Run with Bob")
    stack.strava.delete_activity(deleted)
    stack.strava.update_activity(turned_ride, sport_type="Ride")
    for activity, aspect in ((renamed, "update"), (deleted, "delete"), (turned_ride, "update")):
        answer = await stack.strava.push_event(
            object_type="activity",
            object_id=activity,
            aspect_type=aspect,
            owner_id=athlete,
            updates={"title": "Lunch Run with Bob"} if activity == renamed else {},
        )
        assert answer.status_code == 200

    expected = {str(renamed): "Lunch Run with Bob"}

    async def titles() -> bool:
        runs = await stack.runs_of(runner)
        return {run["sources"][0]["source_id"]: run["title"] for run in runs} == expected

    assert await eventually(titles, what="the update and the deletions in runs")
    await eventually(stack.idle, what="the jobs")
    assert not [job for job in await stack.jobs() if job.status == "failed"]


async def _has(stack: Stack, runner: str, ids: set[str]) -> bool:
    return ids <= await stack.strava_ids_in_runs(runner)
