"""Unlinking: by the runner, by deleting the account; and a runner only ever sees their own link."""

from __future__ import annotations

from runnerly_contracts.users import UserDeleted
from runnerly_kit.events import Envelope
from runnerly_kit.testing.waiting import eventually

from .support import Stack, new_runner


async def test_disconnecting_revokes_at_strava_and_forgets_the_strava_runs(stack: Stack) -> None:
    """Unlinking revokes the grant at Strava, forgets the Strava runs and tokens; twice is 204."""
    runner = new_runner()
    athlete = stack.strava.add_athlete()
    activity = stack.strava.add_activity(athlete, "Run")
    await stack.connected(runner, athlete)
    await eventually(lambda: _has(stack, runner, str(activity)), what="the backfill")

    response = await stack.http.delete(
        "/v1/strava/connection", headers=stack.runner_headers(runner)
    )

    assert response.status_code == 204
    assert await stack.link(runner) is None
    assert (await stack.connection(runner))["connected"] is False
    await eventually(lambda: _revoked(stack, athlete), what="the deauthorization at Strava")
    await eventually(lambda: _no_runs(stack, runner), what="the Strava runs forgotten")
    await eventually(stack.idle, what="the jobs")
    assert [c.path for c in stack.strava.calls if c.path == "/oauth/deauthorize"]
    # The tokens left with the deauthorize job, which is done: nothing of them is left.
    assert not [job for job in await stack.jobs() if job.payload]

    again = await stack.http.delete("/v1/strava/connection", headers=stack.runner_headers(runner))
    assert again.status_code == 204


async def test_a_runner_can_neither_see_nor_unlink_another_runners_link(stack: Stack) -> None:
    """Another runner sees no link, unlinks nothing and cannot sync it (409); the owner's stays."""
    owner, other = new_runner(), new_runner()
    athlete = stack.strava.add_athlete()
    await stack.connected(owner, athlete)

    seen = await stack.connection(other)
    unlinked = await stack.http.delete("/v1/strava/connection", headers=stack.runner_headers(other))
    synced = await stack.http.post("/v1/strava/sync", headers=stack.runner_headers(other))

    assert seen["connected"] is False
    assert seen["athlete_id"] is None
    assert unlinked.status_code == 204  # nothing of theirs to unlink
    assert synced.status_code == 409
    assert (await stack.connection(owner))["athlete_id"] == athlete
    assert stack.strava.has_valid_grant(athlete)


async def test_a_deleted_runner_is_forgotten_and_revoked_at_strava(stack: Stack) -> None:
    """A deleted runner's grant is revoked at Strava, and nothing about them is left stored."""
    runner = new_runner()
    athlete = stack.strava.add_athlete()
    await stack.connected(runner, athlete)
    await eventually(stack.idle, what="the backfill")
    broker = stack.runtime.broker
    assert broker is not None

    await broker.publish(Envelope.wrap(UserDeleted(user_id=runner), source="users", subject=runner))

    await eventually(lambda: _no_link(stack, runner), what="the link forgotten")
    await eventually(lambda: _revoked(stack, athlete), what="the deauthorization at Strava")
    await eventually(stack.idle, what="the jobs")
    assert await stack.dump_database() == ""  # no state, job or token about them is left


async def test_a_runner_can_ask_for_a_sync_now(stack: Stack) -> None:
    """A runner's "sync now" is 202 queued and brings an activity no webhook announced."""
    runner = new_runner()
    athlete = stack.strava.add_athlete()
    await stack.connected(runner, athlete)
    await eventually(stack.idle, what="the (empty) backfill")
    activity = stack.strava.add_activity(athlete, "Run")  # no webhook told us

    response = await stack.http.post("/v1/strava/sync", headers=stack.runner_headers(runner))

    assert response.status_code == 202
    assert response.json() == {"status": "queued"}
    await eventually(lambda: _has(stack, runner, str(activity)), what="the synced run")
    listing = stack.strava.api_calls("/athlete/activities")[-1]
    assert "after" in listing.params


async def _has(stack: Stack, runner: str, activity: str) -> bool:
    return activity in await stack.strava_ids_in_runs(runner)


async def _no_link(stack: Stack, runner: str) -> bool:
    return await stack.link(runner) is None


async def _no_runs(stack: Stack, runner: str) -> bool:
    return not await stack.runs_of(runner)


async def _revoked(stack: Stack, athlete: int) -> bool:
    return not stack.strava.has_valid_grant(athlete)
