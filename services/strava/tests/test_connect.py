"""Connecting a runner to Strava: the authorization URL, the callback's checks, the link."""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import httpx
from sqlalchemy import update

from runnerly_kit.columns import utcnow
from runnerly_kit.testing.waiting import eventually
from runnerly_strava.dependencies import settings_of
from runnerly_strava.models import OAuthState

from .support import DASHBOARD, Stack, new_runner


async def test_the_authorization_url_asks_strava_for_the_runners_activities(stack: Stack) -> None:
    """The connect URL asks Strava for activity:read_all, back to our callback, with a state."""
    url = await stack.authorization_url(new_runner())

    parts = urlsplit(url)
    query = {key: values[0] for key, values in parse_qs(parts.query).items()}
    assert f"{parts.scheme}://{parts.netloc}{parts.path}" == f"{stack.strava.url}/oauth/authorize"
    assert query["client_id"] == stack.strava.client_id
    assert query["redirect_uri"] == f"{stack.url}/v1/strava/callback"
    assert query["response_type"] == "code"
    assert query["approval_prompt"] == "auto"
    assert query["scope"] == "read,activity:read_all"
    assert len(query["state"]) >= 40


async def test_each_connect_gets_its_own_state(stack: Stack) -> None:
    """Two connects by the same runner get two different states."""
    runner = new_runner()
    first = parse_qs(urlsplit(await stack.authorization_url(runner)).query)["state"]
    second = parse_qs(urlsplit(await stack.authorization_url(runner)).query)["state"]

    assert first != second


async def test_connect_needs_a_runner(stack: Stack) -> None:
    """Connect without a token is 401 unauthenticated; with a service's token it is 403."""
    anonymous = await stack.http.post("/v1/strava/connect")
    as_service = await stack.http.post(
        "/v1/strava/connect",
        headers={"Authorization": f"Bearer {await stack.tokendealer.service_token('strava')}"},
    )

    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "unauthenticated"
    assert as_service.status_code == 403


async def test_connecting_stores_an_active_link_and_lands_on_the_dashboard(stack: Stack) -> None:
    """After the OAuth dance the runner has an active link to the athlete with the granted scope."""
    runner = new_runner()
    athlete = stack.strava.add_athlete()

    await stack.connected(runner, athlete)

    connection = await stack.connection(runner)
    assert connection["connected"] is True
    assert connection["athlete_id"] == athlete
    assert connection["status"] == "active"
    assert "activity:read_all" in connection["scope"]
    assert connection["connected_at"] is not None
    assert [c.params["grant_type"] for c in stack.strava.calls if c.path == "/oauth/token"] == [
        "authorization_code"
    ]


async def test_a_state_is_good_for_one_callback_only(stack: Stack) -> None:
    """Replaying a callback that already linked the runner is refused with 400 invalid_state."""
    runner = new_runner()
    athlete = stack.strava.add_athlete()
    url = await stack.authorization_url(runner)
    stack.strava.sign_in(athlete)

    async with httpx.AsyncClient() as browser:
        at_strava = await browser.get(url)
        callback = at_strava.headers["location"]
        first = await browser.get(callback)
        again = await browser.get(callback)

    assert first.status_code == 303
    assert again.status_code == 400
    assert again.json()["error"]["code"] == "invalid_state"


async def test_a_bad_or_missing_state_is_refused_and_nothing_is_stored(stack: Stack) -> None:
    """A callback with a forged or no state is 400; no code is exchanged and no link is stored."""
    runner = new_runner()
    athlete = stack.strava.add_athlete()
    url = await stack.authorization_url(runner)
    stack.strava.sign_in(athlete)
    async with httpx.AsyncClient() as browser:
        location = (await browser.get(url)).headers["location"]
    query = {key: values[0] for key, values in parse_qs(urlsplit(location).query).items()}

    forged = await stack.http.get(
        "/v1/strava/callback", params={**query, "state": "forged-state-value"}
    )
    missing = await stack.http.get(
        "/v1/strava/callback", params={"code": query["code"], "scope": query["scope"]}
    )

    assert forged.status_code == 400
    assert forged.json()["error"]["code"] == "invalid_state"
    assert missing.status_code == 400
    assert await stack.link(runner) is None
    assert not stack.strava.token_calls("authorization_code")


async def test_an_expired_state_is_refused(stack: Stack) -> None:
    """A callback whose state has expired is 400 invalid_state, and no link is stored."""
    runner = new_runner()
    athlete = stack.strava.add_athlete()
    url = await stack.authorization_url(runner)
    async with stack.runtime.db.transaction() as session:
        await session.execute(update(OAuthState).values(expires_at=utcnow() - timedelta(seconds=1)))
    stack.strava.sign_in(athlete)

    response = await stack.follow(url)

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_state"
    assert await stack.link(runner) is None


async def test_without_activity_read_all_nothing_is_stored(stack: Stack) -> None:
    """A runner granting only "read" is sent back with scope_missing; nothing is stored."""
    runner = new_runner()
    athlete = stack.strava.add_athlete()

    response = await stack.connect(runner, athlete, scope="read")

    assert response.status_code == 303
    assert response.headers["location"] == f"{DASHBOARD}/strava?status=error&reason=scope_missing"
    assert await stack.link(runner) is None
    assert not stack.strava.token_calls("authorization_code")
    assert (await stack.connection(runner))["connected"] is False


async def test_a_runner_who_clicks_cancel_is_sent_back_with_the_reason(stack: Stack) -> None:
    """A runner who cancels at Strava goes back to the dashboard with access_denied; no link."""
    runner = new_runner()
    athlete = stack.strava.add_athlete()
    url = await stack.authorization_url(runner)
    stack.strava.sign_in(athlete, deny=True)

    response = await stack.follow(url)

    assert response.headers["location"] == f"{DASHBOARD}/strava?status=error&reason=access_denied"
    assert await stack.link(runner) is None


async def test_an_athlete_links_to_one_runner_only(stack: Stack) -> None:
    """A Strava athlete already linked to one runner cannot be linked by a second one."""
    first, second = new_runner(), new_runner()
    athlete = stack.strava.add_athlete()
    await stack.connected(first, athlete)

    response = await stack.connect(second, athlete)

    assert response.headers["location"].endswith("status=error&reason=athlete_linked_elsewhere")
    assert await stack.link(second) is None
    assert (await stack.link(first)) is not None


async def test_the_database_holds_no_token_in_clear(stack: Stack) -> None:
    """No Strava token issued to the runner appears in clear in a dump of the database."""
    runner = new_runner()
    athlete = stack.strava.add_athlete()
    await stack.connected(runner, athlete)
    await eventually(stack.idle, what="the backfill")

    tokens = stack.strava.issued_tokens(athlete)
    dump = await stack.dump_database()

    assert tokens
    assert dump
    for token in tokens:
        assert token not in dump
    link = await stack.link(runner)
    assert link is not None
    assert link.access_token.startswith("v1.")


async def test_without_strava_credentials_connect_says_what_to_configure(stack: Stack) -> None:
    """Without Strava client credentials, connect is 503 naming the variable to set, and the
    runner's link says Strava is not configured (the app then offers no connect button)."""
    settings = settings_of(stack.runtime)
    runner = new_runner()
    assert (await stack.connection(runner))["configured"] is True
    object.__setattr__(settings, "strava_client_id", "")
    try:
        response = await stack.http.post("/v1/strava/connect", headers=stack.runner_headers(runner))
        link = await stack.connection(runner)
    finally:
        object.__setattr__(settings, "strava_client_id", stack.strava.client_id)

    assert link["configured"] is False
    assert response.status_code == 503
    assert response.json()["error"]["code"] == "strava_not_configured"
    assert "STRAVA_STRAVA_CLIENT_ID" in response.json()["error"]["message"]


async def test_a_code_strava_refuses_stores_nothing(stack: Stack) -> None:
    """A code Strava refuses to exchange sends the runner back with exchange_failed; no link."""
    runner = new_runner()
    url = await stack.authorization_url(runner)
    state = parse_qs(urlsplit(url).query)["state"][0]

    response = await stack.http.get(
        "/v1/strava/callback",
        params={
            "state": state,
            "code": "not-a-code-strava-gave",
            "scope": "read,activity:read_all",
        },
    )

    assert response.status_code == 303
    assert response.headers["location"] == f"{DASHBOARD}/strava?status=error&reason=exchange_failed"
    assert [c.status for c in stack.strava.token_calls("authorization_code")] == [400]
    assert await stack.link(runner) is None


async def test_a_linked_runner_must_unlink_before_linking_another_athlete(stack: Stack) -> None:
    """A linked runner connecting another athlete is sent back with already_connected; link kept."""
    runner = new_runner()
    first, second = stack.strava.add_athlete(), stack.strava.add_athlete()
    await stack.connected(runner, first)

    response = await stack.connect(runner, second)

    assert response.headers["location"].endswith("status=error&reason=already_connected")
    assert (await stack.connection(runner))["athlete_id"] == first


async def test_connecting_again_to_the_same_athlete_renews_the_tokens(stack: Stack) -> None:
    """Connecting again to the same athlete renews the tokens and keeps the first connected_at."""
    runner = new_runner()
    athlete = stack.strava.add_athlete()
    await stack.connected(runner, athlete)
    before = await stack.link(runner)

    await stack.connected(runner, athlete)

    after = await stack.link(runner)
    assert before is not None
    assert after is not None
    assert after.access_token != before.access_token
    assert after.connected_at == before.connected_at
