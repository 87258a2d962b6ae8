"""Browser sessions: the cookie, logging in and out, lifetimes and the refresh of the token."""

from __future__ import annotations

import asyncio
from datetime import timedelta

from sqlalchemy import update

from runnerly_dashboard.dependencies import Context, components_of
from runnerly_dashboard.models import BrowserSession
from runnerly_dashboard.sessions import service as sessions
from runnerly_kit.testing.waiting import eventually

from .support import PASSWORD, Stack, later, new_email


async def test_the_first_visit_gets_an_httponly_lax_host_cookie_and_a_csrf_token(
    stack: Stack,
) -> None:
    """GET /bff/v1/session starts an anonymous session: an opaque HttpOnly, SameSite=Lax,
    Secure ``__Host-`` cookie, a CSRF token in the body, no runner; a second call keeps it."""
    browser = stack.browser()

    first = await browser.session()

    assert first["runner"] is None
    assert len(first["csrf_token"]) >= 32
    (cookie,) = browser.set_cookies
    assert cookie.startswith("__Host-runnerly_session=")
    attributes = {part.strip().lower() for part in cookie.split(";")[1:]}
    assert {"httponly", "secure", "path=/", "samesite=lax"} <= attributes
    assert not any(part.startswith("domain") for part in attributes)
    assert browser.cookie is not None
    assert len(browser.cookie) >= 32
    again = await browser.session()
    assert again["csrf_token"] == first["csrf_token"]
    assert len(browser.set_cookies) == 1
    (row,) = await stack.rows()
    assert browser.cookie not in (row.key_hash, str(row.id))  # only its hash is stored


async def test_logging_in_rotates_the_cookie_and_the_csrf_token(stack: Stack) -> None:
    """After the login the session has a new cookie value and CSRF token (no fixation): the
    cookie an attacker may have planted before is worth nothing."""
    email = new_email()
    browser = stack.browser()
    await stack.sign_up(browser, email)
    planted, old_token = browser.cookie, browser.csrf_token

    response = await browser.log_in(email, PASSWORD)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["runner"]["email"] == email
    assert browser.cookie != planted
    assert body["csrf_token"] != old_token
    attacker = stack.browser()
    attacker.cookie = planted
    assert (await attacker.session())["runner"] is None
    assert (await browser.get("/bff/v1/home")).status_code == 200


async def test_the_tokens_are_kept_server_side_and_the_refresh_token_encrypted(
    stack: Stack,
) -> None:
    """The browser receives no token at all; the row holds the tokens encrypted, bound to the
    runner, and they work at the token dealer."""
    browser, runner_id = await stack.runner()

    row = await stack.row_of(browser)

    assert row is not None
    assert row.runner_id == runner_id
    refresh = stack.decrypt(row, "refresh")
    access = stack.decrypt(row, "access")
    assert refresh not in (row.refresh_token or "")
    assert access not in (row.access_token or "")
    page = await browser.get("/bff/v1/session")
    assert refresh not in page.text
    assert access not in page.text
    assert all(refresh not in c and access not in c for c in browser.set_cookies)


async def test_a_wrong_password_is_401_and_an_inactive_account_403(stack: Stack) -> None:
    """Wrong credentials: 401 invalid_credentials; an account not activated yet: 403
    account_inactive with a message; neither logs the browser in."""
    email = new_email()
    browser = stack.browser()
    await stack.sign_up(browser, email)

    wrong = await browser.log_in(email, "not the password at all")
    other = stack.browser()
    unknown = await other.log_in(new_email(), PASSWORD)
    inactive_email = new_email()
    signed = await other.send(
        "POST",
        "/bff/v1/accounts",
        json={"email": inactive_email, "password": PASSWORD, "name": "B"},
    )
    assert signed.status_code == 202
    inactive = await other.log_in(inactive_email, PASSWORD)

    assert (wrong.status_code, wrong.json()["error"]["code"]) == (401, "invalid_credentials")
    assert (unknown.status_code, unknown.json()["error"]["code"]) == (401, "invalid_credentials")
    assert (inactive.status_code, inactive.json()["error"]["code"]) == (403, "account_inactive")
    assert "activation" in inactive.json()["error"]["message"]
    assert all(row.runner_id is None for row in await stack.rows())
    metrics = (await stack.http.get("/metrics")).text
    assert 'dashboard_logins_total{outcome="invalid_credentials"} 2.0' in metrics
    assert 'dashboard_logins_total{outcome="account_inactive"} 1.0' in metrics


async def test_logging_out_revokes_at_the_token_dealer_and_forgets_the_session(
    stack: Stack,
) -> None:
    """DELETE /bff/v1/session: 204, the cookie is cleared, the row is gone, and the refresh
    token it held is refused by the token dealer."""
    browser, _ = await stack.runner()
    refresh = await stack.token_of(browser, "refresh")
    cookie = browser.cookie

    response = await browser.send("DELETE", "/bff/v1/session")

    assert response.status_code == 204
    assert "max-age=0" in browser.set_cookies[-1].lower()
    assert await stack.rows() == []
    refreshed = await stack.token_dealer_call(
        "/oauth/token", grant_type="refresh_token", refresh_token=refresh
    )
    assert refreshed.status_code == 400
    browser.cookie = cookie
    home = await browser.get("/bff/v1/home")
    assert (home.status_code, home.json()["error"]["code"]) == (401, "not_logged_in")


async def test_an_idle_session_ends_after_its_idle_lifetime(stack: Stack) -> None:
    """Unused for the idle lifetime (2 h), the session is over: 401 not_logged_in; used within
    it, it lives on."""
    browser, _ = await stack.runner()
    later(stack.clock, hours=1, minutes=59)
    assert (await browser.get("/bff/v1/home")).status_code == 200

    later(stack.clock, hours=2, seconds=1)
    response = await browser.get("/bff/v1/home")

    assert (response.status_code, response.json()["error"]["code"]) == (401, "not_logged_in")


async def test_a_session_ends_after_its_absolute_lifetime_however_active(stack: Stack) -> None:
    """Used every hour and a half, the session still ends 14 days after the login."""
    browser, _ = await stack.runner()
    for _ in range(int(14 * 24 / 1.5) - 1):
        later(stack.clock, hours=1, minutes=30)
        assert (await browser.get("/bff/v1/session")).json()["runner"] is not None

    later(stack.clock, hours=1, minutes=30)
    response = await browser.get("/bff/v1/home")

    assert (response.status_code, response.json()["error"]["code"]) == (401, "not_logged_in")


async def test_the_access_token_is_refreshed_before_it_expires(stack: Stack) -> None:
    """Close to the access token's expiry, the next request refreshes it (the refresh token
    rotates) and the screen loads."""
    browser, _ = await stack.runner()
    before = await stack.row_of(browser)
    assert before is not None

    later(stack.clock, minutes=14, seconds=30)
    response = await browser.get("/bff/v1/home")

    assert response.status_code == 200, response.text
    after = await stack.row_of(browser)
    assert after is not None
    assert after.token_version == before.token_version + 1
    assert stack.decrypt(after, "refresh") != stack.decrypt(before, "refresh")
    assert stack.decrypt(after, "access") != stack.decrypt(before, "access")
    metrics = (await stack.http.get("/metrics")).text
    assert 'dashboard_token_refreshes_total{outcome="ok"} 1.0' in metrics


async def test_concurrent_requests_of_one_session_refresh_once(stack: Stack) -> None:
    """Five requests arriving together with a nearly expired token: one refresh (the token
    dealer would end the session on a refresh token spent twice); all five succeed, and the
    session still works afterwards."""
    browser, _ = await stack.runner()
    before = await stack.row_of(browser)
    assert before is not None
    later(stack.clock, minutes=14, seconds=30)

    answers = await asyncio.gather(*(browser.get("/bff/v1/settings") for _ in range(5)))

    assert [a.status_code for a in answers] == [200] * 5
    after = await stack.row_of(browser)
    assert after is not None
    assert after.token_version == before.token_version + 1
    later(stack.clock, minutes=14, seconds=30)
    assert (await browser.get("/bff/v1/settings")).status_code == 200


async def test_a_refresh_the_token_dealer_refuses_ends_the_session(stack: Stack) -> None:
    """When the login session was revoked elsewhere (the refresh token is refused), the next
    refresh ends the browser session: 401 not_logged_in, the row forgotten; GET
    /bff/v1/session then answers a new anonymous session."""
    browser, _ = await stack.runner()
    await stack.token_dealer_call("/oauth/revoke", token=await stack.token_of(browser, "refresh"))

    later(stack.clock, minutes=15)
    response = await browser.get("/bff/v1/settings")

    assert (response.status_code, response.json()["error"]["code"]) == (401, "not_logged_in")
    assert await stack.row_of(browser) is None
    # The app's first call then starts over with an anonymous session.
    assert (await browser.session())["runner"] is None


async def test_a_revoked_session_starts_over_anonymous_on_the_first_call(stack: Stack) -> None:
    """The login session revoked (logged out elsewhere, the access token refused by users):
    GET /bff/v1/session answers 200 with a new anonymous session, not an error."""
    browser, _ = await stack.runner()
    await stack.token_dealer_call("/oauth/revoke", token=await stack.token_of(browser, "access"))

    async def anonymous() -> bool:
        # The revocation reaches users through the broker within moments.
        return (await browser.session())["runner"] is None

    assert await eventually(anonymous, what="the session seen as revoked")
    assert (await browser.get("/bff/v1/home")).status_code == 401


async def test_screens_need_a_logged_in_runner(stack: Stack) -> None:
    """Without a session, or with an anonymous one, a runner's screen is 401 not_logged_in."""
    browser = stack.browser()
    nobody = await browser.get("/bff/v1/home")
    await browser.session()
    anonymous = await browser.get("/bff/v1/settings")

    for response in (nobody, anonymous):
        assert (response.status_code, response.json()["error"]["code"]) == (401, "not_logged_in")


async def test_while_another_replica_refreshes_the_valid_token_is_used_meanwhile(
    stack: Stack,
) -> None:
    """Another replica holds the session's refresh lease: a request keeps using the access
    token while it is valid (no second refresh), and once it has expired answers 503
    session_busy with Retry-After rather than spending the refresh token too."""
    browser, _ = await stack.runner()
    row = await stack.row_of(browser)
    assert row is not None
    async with stack.runtime.db.transaction() as session:
        await session.execute(
            update(BrowserSession)
            .where(BrowserSession.id == row.id)
            .values(refreshing_until=stack.clock.now + timedelta(hours=1))
        )

    later(stack.clock, minutes=14, seconds=30)
    meanwhile = await browser.get("/bff/v1/settings")
    later(stack.clock, minutes=1)
    expired = await browser.get("/bff/v1/settings")

    assert meanwhile.status_code == 200, meanwhile.text
    assert (expired.status_code, expired.json()["error"]["code"]) == (503, "session_busy")
    assert expired.headers["retry-after"] == "1"
    after = await stack.row_of(browser)
    assert after is not None
    assert after.token_version == row.token_version


async def test_expired_sessions_are_deleted_by_the_purge(stack: Stack) -> None:
    """The purge (a worker runs it every ten minutes) deletes sessions past their idle
    lifetime and keeps the live ones."""
    idle = stack.browser()
    await idle.session()
    later(stack.clock, hours=1, minutes=30)
    active, runner_id = await stack.runner()
    later(stack.clock, hours=1)
    parts = components_of(stack.runtime)

    ended = await sessions.purge_expired(
        Context(stack.runtime.db, stack.settings, parts, parts.clock())
    )

    assert ended == 1
    assert [row.runner_id for row in await stack.rows()] == [runner_id]
    assert (await active.get("/bff/v1/home")).status_code == 200
