"""The Strava screen: connect through the dashboard, the state bound to the browser session."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import httpx

from runnerly_kit.testing.waiting import eventually

from .support import Browser, Stack


async def _to_strava_and_back(stack: Stack, authorize_url: str) -> str:
    """The athlete's browser at the local Strava: where Strava sends it back (our callback)."""
    async with httpx.AsyncClient() as at_strava:
        consent = await at_strava.get(authorize_url)
    assert consent.status_code == 302, consent.text
    return consent.headers["location"]


async def _connect(stack: Stack, browser: Browser, athlete: int) -> str:
    started = await browser.send("POST", "/bff/v1/strava/connect")
    assert started.status_code == 200, started.text
    stack.backend.strava_fake.sign_in(athlete)
    return await _to_strava_and_back(stack, started.json()["authorize_url"])


async def test_the_screen_says_strava_is_configured_and_not_connected(stack: Stack) -> None:
    """A new runner: Strava is configured here, not connected; no-store."""
    browser, _ = await stack.runner()

    response = await browser.get("/bff/v1/strava")

    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    assert response.json()["configured"] is True
    assert response.json()["connected"] is False


async def test_connecting_comes_back_through_the_dashboard_and_links_the_athlete(
    stack: Stack,
) -> None:
    """Connect: Strava sends the browser to the dashboard's callback, which (the state being
    this session's) has the strava service link the athlete; the browser lands on
    /strava?connected=1, the screen shows the athlete, and the backfill brings the runs."""
    browser, _ = await stack.runner()
    fake = stack.backend.strava_fake
    athlete = fake.add_athlete()

    callback = await _connect(stack, browser, athlete)

    assert callback.startswith(f"{stack.url}/bff/v1/strava/callback?")
    landed = await browser.get(callback.removeprefix(stack.url))
    assert landed.status_code == 303
    assert landed.headers["location"] == "/strava?connected=1"
    screen = (await browser.get("/bff/v1/strava")).json()
    assert screen["connected"] is True
    assert screen["athlete"] == {"id": athlete}
    assert screen["state"] == "active"
    synced = await browser.send("POST", "/bff/v1/strava/sync")
    assert synced.status_code == 202, synced.text
    disconnected = await browser.send("DELETE", "/bff/v1/strava")
    assert disconnected.status_code == 204

    async def gone() -> bool:
        return (await browser.get("/bff/v1/strava")).json()["connected"] is False

    assert await eventually(gone, what="the link forgotten")


async def test_a_state_another_session_started_is_refused(stack: Stack) -> None:
    """The callback of a connect that another browser started (an attacker pushing their own
    Strava link) is refused in this browser: /strava?error=invalid_state, nothing linked, and
    the state still works for the browser that started it."""
    victim, _ = await stack.runner()
    attacker, _ = await stack.runner()
    athlete = stack.backend.strava_fake.add_athlete()
    callback = await _connect(stack, attacker, athlete)
    path = callback.removeprefix(stack.url)

    refused = await victim.get(path)
    anonymous = await stack.browser().get(path)

    for response in (refused, anonymous):
        assert response.status_code == 303
        assert response.headers["location"] == "/strava?error=invalid_state"
    assert (await victim.get("/bff/v1/strava")).json()["connected"] is False
    assert (await attacker.get("/bff/v1/strava")).json()["connected"] is False
    own = await attacker.get(path)
    assert own.headers["location"] == "/strava?connected=1"
    replay = await attacker.get(path)
    assert replay.headers["location"] == "/strava?error=invalid_state"


async def test_a_declined_consent_lands_on_the_screen_with_the_reason(stack: Stack) -> None:
    """The athlete clicks "Cancel" at Strava: the browser lands on /strava?error=access_denied."""
    browser, _ = await stack.runner()
    started = await browser.send("POST", "/bff/v1/strava/connect")
    state = parse_qs(urlsplit(started.json()["authorize_url"]).query)["state"][0]

    response = await browser.get(
        "/bff/v1/strava/callback", params={"state": state, "error": "access_denied"}
    )

    assert response.status_code == 303
    assert response.headers["location"] == "/strava?error=access_denied"
