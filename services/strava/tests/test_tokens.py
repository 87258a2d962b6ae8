"""Strava's tokens: refreshed before they expire, or on a 401, and stored again encrypted."""

from __future__ import annotations

from typing import Any

import pytest

from runnerly_kit.testing.waiting import eventually

from .support import Stack, new_runner


async def test_an_expired_access_token_is_refreshed_transparently(stack: Stack) -> None:
    """A token Strava calls expired is refreshed once on the 401, the call retried, stored anew."""
    runner = new_runner()
    athlete = stack.strava.add_athlete()
    await stack.subscribe()
    await stack.connected(runner, athlete)
    await eventually(stack.idle, what="the (empty) backfill")
    before = await stack.link(runner)
    assert before is not None
    stack.strava.expire_access_tokens(athlete)  # Strava says expired; we think it has hours

    activity = stack.strava.add_activity(athlete, "Run")
    await stack.strava.push_event(
        object_type="activity", object_id=activity, aspect_type="create", owner_id=athlete
    )

    await eventually(
        lambda: _has(stack, runner, str(activity)), what="the run, after the token refresh"
    )
    assert len(stack.strava.token_calls("refresh_token")) == 1
    refused = [c for c in stack.strava.api_calls(f"/activities/{activity}") if c.status == 401]
    assert len(refused) == 1  # one 401, then the refresh, then the same call again
    after = await stack.link(runner)
    assert after is not None
    assert after.token_version == before.token_version + 1
    assert after.access_token != before.access_token


async def test_a_revoked_grant_breaks_the_link_and_stops_its_jobs(stack: Stack) -> None:
    """A grant revoked at Strava marks the link broken and ends its jobs; a new sync is 409."""
    runner = new_runner()
    athlete = stack.strava.add_athlete()
    await stack.subscribe()
    await stack.connected(runner, athlete)
    await eventually(stack.idle, what="the (empty) backfill")
    stack.strava.revoke(athlete)  # revoked at Strava, without telling us

    sync = await stack.http.post("/v1/strava/sync", headers=stack.runner_headers(runner))

    assert sync.status_code == 202
    link = await eventually(lambda: _broken(stack, runner), what="the link marked broken")
    assert link is True
    assert await stack.idle()
    assert (await stack.connection(runner))["status"] == "broken"
    again = await stack.http.post("/v1/strava/sync", headers=stack.runner_headers(runner))
    assert again.status_code == 409
    assert again.json()["error"]["code"] == "not_connected"


async def _has(stack: Stack, runner: str, activity: str) -> bool:
    return activity in await stack.strava_ids_in_runs(runner)


async def _broken(stack: Stack, runner: str) -> bool:
    link = await stack.link(runner)
    return link is not None and link.status == "broken"


class TestTokensCloseToExpiry:
    """Tokens that expire within the refresh margin are refreshed before any call."""

    @pytest.fixture
    def strava_options(self) -> dict[str, Any]:
        return {"token_lifetime": 1800}  # within the default margin of an hour

    async def test_they_are_refreshed_before_the_call(self, stack: Stack) -> None:
        """A token expiring within the margin is refreshed before any call, not after a 401."""
        runner = new_runner()
        athlete = stack.strava.add_athlete()
        activity = stack.strava.add_activity(athlete, "Run")

        await stack.connected(runner, athlete)

        await eventually(lambda: _has(stack, runner, str(activity)), what="the backfilled run")
        assert stack.strava.token_calls("refresh_token")
        assert not [c for c in stack.strava.api_calls() if c.status == 401]
        first_refresh = stack.strava.token_calls("refresh_token")[0].at
        assert all(c.at > first_refresh for c in stack.strava.api_calls())
