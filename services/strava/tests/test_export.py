"""The strava service's part of "Download my data": the link, its requests and jobs, no token."""

from __future__ import annotations

from typing import Any

import httpx

from runnerly_contracts.users import UserDeleted
from runnerly_kit.events import Envelope
from runnerly_kit.testing.waiting import eventually

from .support import Stack, new_runner


async def _export(stack: Stack, runner: str, headers: dict[str, str]) -> httpx.Response:
    return await stack.http.get(f"/v1/runners/{runner}/export", headers=headers)


async def test_the_runner_gets_their_link_as_stored_and_no_token(stack: Stack) -> None:
    """Athlete id, scopes granted, connected and synced times, the authorization request used;
    no access or refresh token, plain or encrypted, in the body; not cacheable."""
    runner = new_runner()
    athlete = stack.strava.add_athlete()
    stack.strava.add_activity(athlete, "Run")
    await stack.connected(runner, athlete)
    await eventually(stack.idle, what="the backfill")

    response = await _export(stack, runner, stack.runner_headers(runner))

    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert (body["service"], body["runner_id"], body["files"]) == ("strava", runner, [])
    link = body["data"]["link"]
    stored = await stack.link(runner)
    assert stored is not None
    assert link["athlete_id"] == athlete
    assert sorted(link["scopes"]) == ["activity:read_all", "read"]
    assert link["status"] == "active"
    assert link["backfill"] == "done"
    assert link["connected_at"] is not None
    assert link["last_synced_at"] is not None
    requests = body["data"]["authorization_requests"]
    assert len(requests) == 1
    assert requests[0]["used_at"] is not None
    for secret in (stored.access_token, stored.refresh_token, *stack.strava.issued_tokens(athlete)):
        assert secret not in response.text
    assert "runs service" in body["data"]["activities"]


async def test_another_runner_and_a_scopeless_service_get_403(stack: Stack) -> None:
    """Someone else's export is refused to a runner and to a token without the export scope."""
    owner, intruder = new_runner(), new_runner()
    athlete = stack.strava.add_athlete()
    await stack.connected(owner, athlete)

    by_runner = await _export(stack, owner, stack.runner_headers(intruder))
    by_service = await _export(stack, owner, await stack.service_headers("runs"))

    assert by_runner.status_code == by_service.status_code == 403
    assert str(athlete) not in by_runner.text


async def test_an_operator_exports_anyone_and_a_deleted_runner_leaves_nothing(
    stack: Stack,
) -> None:
    """A token with scope export reads a runner's link; after users.user.deleted.v1 and the
    revocation at Strava the export holds nothing."""
    runner = new_runner()
    athlete = stack.strava.add_athlete()
    await stack.connected(runner, athlete)
    await eventually(stack.idle, what="the backfill")
    operator = await stack.service_headers("operator")
    before = await _export(stack, runner, operator)
    assert before.status_code == 200
    assert before.json()["data"]["link"]["athlete_id"] == athlete
    broker = stack.runtime.broker
    assert broker is not None

    await broker.publish(Envelope.wrap(UserDeleted(user_id=runner), source="users", subject=runner))

    async def forgotten() -> bool:
        data: dict[str, Any] = (await _export(stack, runner, operator)).json()["data"]
        return data["link"] is None and not data["authorization_requests"]

    await eventually(forgotten, what="the link forgotten")
    await eventually(stack.idle, what="the revocation at Strava")
    data = (await _export(stack, runner, operator)).json()["data"]
    assert data == {**data, "link": None, "authorization_requests": [], "sync_jobs": []}
