"""Strava's webhook: the subscription's validation, and events recorded before the 200."""

from __future__ import annotations

from typing import Any

import httpx

from runnerly_kit.testing.ports import free_port
from runnerly_kit.testing.servers import serve
from runnerly_kit.testing.waiting import eventually
from runnerly_strava.dependencies import settings_of
from runnerly_strava.main import create_app

from .support import VERIFY_TOKEN, Stack, new_runner


def _challenge(token: str, mode: str = "subscribe") -> dict[str, str]:
    return {
        "hub.mode": mode,
        "hub.challenge": "15f7d1a91c1f40f8a748fd134752feb3",
        "hub.verify_token": token,
    }


async def test_the_challenge_is_echoed_for_our_verify_token_only(stack: Stack) -> None:
    """Strava's challenge is echoed for our verify token only; else 403 invalid_verify_token."""
    right = await stack.http.get("/v1/strava/webhook", params=_challenge(VERIFY_TOKEN))
    wrong = await stack.http.get("/v1/strava/webhook", params=_challenge("not-our-token"))
    bad_mode = await stack.http.get(
        "/v1/strava/webhook", params=_challenge(VERIFY_TOKEN, mode="unsubscribe")
    )
    missing = await stack.http.get("/v1/strava/webhook")

    assert right.status_code == 200
    assert right.json() == {"hub.challenge": "15f7d1a91c1f40f8a748fd134752feb3"}
    for refused in (wrong, bad_mode, missing):
        assert refused.status_code == 403
        assert refused.json()["error"]["code"] == "invalid_verify_token"


async def test_an_operator_creates_the_subscription_which_strava_validates(stack: Stack) -> None:
    """An operator's subscription is validated by Strava, listed, and adopted when asked again."""
    subscription = await stack.subscribe()

    assert list(stack.strava.subscriptions) == [subscription]
    assert (
        stack.strava.subscriptions[subscription]["callback_url"] == f"{stack.url}/v1/strava/webhook"
    )
    validations = [c for c in stack.strava.calls if c.path == "/push_subscriptions"]
    assert [c.status for c in validations] == [201]
    listed = await stack.http.get(
        "/v1/admin/strava/push-subscription", headers=stack.runner_headers(new_runner(), "admin")
    )
    assert listed.json() == {
        "subscriptions": [{"id": subscription, "callback_url": f"{stack.url}/v1/strava/webhook"}]
    }
    # Asked again, the existing subscription is adopted rather than duplicated.
    assert await stack.subscribe() == subscription


async def test_only_an_operator_manages_the_subscription(stack: Stack) -> None:
    """A runner without the admin scope gets 403 creating the subscription; none is made."""
    response = await stack.http.post(
        "/v1/admin/strava/push-subscription", headers=stack.runner_headers(new_runner())
    )

    assert response.status_code == 403
    assert not stack.strava.subscriptions


async def test_events_of_strangers_and_of_other_subscriptions_are_ignored(stack: Stack) -> None:
    """Events of unknown athletes, other subscriptions or other objects are ignored; no job."""
    subscription = await stack.subscribe()
    runner = new_runner()
    athlete = stack.strava.add_athlete()
    await stack.connected(runner, athlete)
    await eventually(stack.idle, what="the backfill")
    stranger = stack.strava.add_athlete()

    unknown = await _post(stack, owner_id=stranger, subscription_id=subscription)
    other = await _post(stack, owner_id=athlete, subscription_id=subscription + 1)
    unhandled = await _post(
        stack, owner_id=athlete, subscription_id=subscription, object_type="athlete"
    )

    for answer in (unknown, other, unhandled):
        assert answer.status_code == 200
        assert answer.json() == {"status": "ignored"}
    assert await stack.jobs() == []


async def test_a_malformed_event_is_refused_and_changes_nothing(stack: Stack) -> None:
    """A webhook event missing fields is refused with 422, and no job is queued."""
    runner = new_runner()
    athlete = stack.strava.add_athlete()
    await stack.connected(runner, athlete)
    await eventually(stack.idle, what="the backfill")

    response = await stack.http.post(
        "/v1/strava/webhook", json={"object_type": "activity", "owner_id": athlete}
    )

    assert response.status_code == 422
    assert response.json()["error"]["code"]
    assert await stack.jobs() == []


async def test_an_event_is_recorded_before_the_answer_and_survives_the_process(
    stack: Stack,
) -> None:
    """A replica without a worker answers the event; the job waits for another worker."""
    runner = new_runner()
    athlete = stack.strava.add_athlete()
    await stack.subscribe()
    await stack.connected(runner, athlete)
    await eventually(stack.idle, what="the backfill")
    settings = settings_of(stack.runtime)
    port = free_port()
    receiver = create_app(
        settings.model_copy(
            update={"port": port, "worker_enabled": False, "public_url": f"http://127.0.0.1:{port}"}
        )
    )
    activity = stack.strava.add_activity(athlete, "Run")

    async with serve(receiver, port=port) as url, httpx.AsyncClient() as http:
        answer = await http.post(
            f"{url}/v1/strava/webhook",
            json=_event(athlete, activity, next(iter(stack.strava.subscriptions))),
        )

    assert answer.status_code == 200
    assert answer.json() == {"status": "queued"}
    # The receiver is gone; the first service's worker (polling) does the job.
    await eventually(
        lambda: _has(stack, runner, str(activity)), what="the run, from the recorded job"
    )


async def test_a_deauthorization_event_forgets_the_tokens_and_the_strava_runs(
    stack: Stack,
) -> None:
    """An athlete's deauthorization at Strava forgets the link, its tokens and the Strava runs."""
    runner = new_runner()
    athlete = stack.strava.add_athlete()
    activity = stack.strava.add_activity(athlete, "Run")
    await stack.subscribe()
    await stack.connected(runner, athlete)
    await eventually(lambda: _has(stack, runner, str(activity)), what="the backfill")
    stack.strava.revoke(athlete)  # the athlete removed Runnerly in Strava's settings

    answer = await stack.strava.push_event(
        object_type="athlete",
        object_id=athlete,
        aspect_type="update",
        owner_id=athlete,
        updates={"authorized": "false"},
    )

    assert answer.status_code == 200
    await eventually(lambda: _no_link(stack, runner), what="the link forgotten")
    await eventually(lambda: _no_runs(stack, runner), what="the Strava runs forgotten in runs")
    assert (await stack.connection(runner)) == {
        "configured": True,
        "connected": False,
        "athlete_id": None,
        "status": None,
        "scope": None,
        "connected_at": None,
        "last_synced_at": None,
        "backfill": None,
    }


async def test_a_forged_deauthorization_event_changes_nothing(stack: Stack) -> None:
    """A deauthorization event Strava does not confirm (the grant still works) changes nothing."""
    runner = new_runner()
    athlete = stack.strava.add_athlete()
    await stack.subscribe()
    await stack.connected(runner, athlete)
    await eventually(stack.idle, what="the backfill")

    answer = await stack.strava.push_event(
        object_type="athlete",
        object_id=athlete,
        aspect_type="update",
        owner_id=athlete,
        updates={"authorized": "false"},
    )

    assert answer.status_code == 200
    await eventually(stack.idle, what="the check with Strava")
    assert stack.strava.token_calls("refresh_token")  # we asked Strava
    assert (await stack.connection(runner))["connected"] is True


def _event(athlete: int, activity: int, subscription: int, **changes: Any) -> dict[str, Any]:
    return {
        "aspect_type": "create",
        "event_time": 1_516_126_040,
        "object_id": activity,
        "object_type": "activity",
        "owner_id": athlete,
        "subscription_id": subscription,
        "updates": {},
        **changes,
    }


async def _post(
    stack: Stack, *, owner_id: int, subscription_id: int, **changes: Any
) -> httpx.Response:
    return await stack.http.post(
        "/v1/strava/webhook", json=_event(owner_id, 123, subscription_id, **changes)
    )


async def _has(stack: Stack, runner: str, activity: str) -> bool:
    return activity in await stack.strava_ids_in_runs(runner)


async def _no_link(stack: Stack, runner: str) -> bool:
    return await stack.link(runner) is None


async def _no_runs(stack: Stack, runner: str) -> bool:
    return not await stack.runs_of(runner)
