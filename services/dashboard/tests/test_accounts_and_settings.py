"""Account steps without a login, and the settings screen: through the BFF to users."""

from __future__ import annotations

import functools

import pytest

from runnerly_kit.testing.waiting import eventually
from runnerly_users.main import create_app as create_users
from runnerly_users.settings import UsersSettings

from .support import PASSWORD, Stack, new_email


@functools.cache
def _users_serves(path: str) -> bool:
    return path in create_users(UsersSettings()).openapi()["paths"]


#: The users service's password change and deletion routes come from another branch.
needs_password_change = pytest.mark.skipif(
    not _users_serves("/v1/runners/{runner_id}/password"),
    reason="users does not serve POST /v1/runners/{runner_id}/password yet",
)
needs_deletion = pytest.mark.skipif(
    not _users_serves("/v1/runners/{runner_id}/deletion"),
    reason="users does not serve POST /v1/runners/{runner_id}/deletion yet",
)


async def test_a_malformed_email_and_a_short_password_name_their_fields(stack: Stack) -> None:
    """Sign-up with a malformed email or a short password: 422 whose details name the field
    (so the app shows the message next to it); no email is sent."""
    browser = stack.browser()
    await browser.session()

    short = await browser.send(
        "POST", "/bff/v1/accounts", json={"email": new_email(), "password": "short", "name": "A"}
    )
    malformed = await browser.send(
        "POST",
        "/bff/v1/accounts",
        json={"email": "not-an-email", "password": PASSWORD, "name": "A"},
    )

    assert short.status_code == 422
    assert ["body", "password"] in [d["location"] for d in short.json()["error"]["details"]]
    assert malformed.status_code == 422, malformed.text
    locations = [d["location"] for d in malformed.json()["error"]["details"]]
    assert ["body", "email"] in locations
    assert not list(stack.backend.mail_dir.glob("**/*.eml"))


async def test_a_password_reset_through_the_dashboard(stack: Stack) -> None:
    """Forgot password: the mailed link's token and a new password log the runner in with it,
    and the old password no longer works."""
    email = new_email()
    await stack.runner(email)
    other = stack.browser()
    await other.session()

    asked = await other.send("POST", "/bff/v1/password-resets", json={"email": email})
    assert asked.status_code == 202, asked.text
    token = await stack.backend.link_token(email, count=2)
    new_password = "a brand new passphrase"
    confirmed = await other.send(
        "POST", "/bff/v1/password-resets/confirm", json={"token": token, "password": new_password}
    )

    assert confirmed.status_code == 204, confirmed.text
    assert (await other.log_in(email, PASSWORD)).status_code == 401

    async def logged_in() -> bool:
        # Services refuse the runner's tokens issued up to the reset's second (iat has a
        # one-second grain): a login in that same second is refused, the next one works.
        return (await other.log_in(email, new_password)).status_code == 200

    assert await eventually(logged_in, what="a login with the new password")


async def test_the_settings_screen_changes_the_profile(stack: Stack) -> None:
    """GET /bff/v1/settings shows the profile; a PATCH changes only what it sends (units,
    time zone) and the home screen's statistics follow the new time zone."""
    browser, runner_id = await stack.runner()

    screen = await browser.get("/bff/v1/settings")
    changed = await browser.send(
        "PATCH", "/bff/v1/settings/profile", json={"units": "miles", "time_zone": "Europe/Paris"}
    )

    assert screen.status_code == 200
    assert screen.headers["cache-control"] == "no-store"
    assert screen.json()["profile"]["id"] == runner_id
    assert changed.status_code == 200, changed.text
    assert (changed.json()["units"], changed.json()["time_zone"]) == ("miles", "Europe/Paris")
    assert changed.json()["name"] == "Ada"
    row = await stack.row_of(browser)
    assert row is not None
    assert row.time_zone == "Europe/Paris"


async def test_bad_profile_values_are_422_naming_the_field_and_change_nothing(
    stack: Stack,
) -> None:
    """Units the app does not know, or a time zone users refuses: 422 naming the field; the
    profile is unchanged."""
    browser, _ = await stack.runner()

    units = await browser.send("PATCH", "/bff/v1/settings/profile", json={"units": "yards"})
    zone = await browser.send(
        "PATCH", "/bff/v1/settings/profile", json={"time_zone": "Mars/Olympus"}
    )

    assert units.status_code == 422
    assert ["body", "units"] in [d["location"] for d in units.json()["error"]["details"]]
    assert zone.status_code == 422, zone.text
    assert "time_zone" in str(zone.json()["error"]["details"])
    profile = (await browser.get("/bff/v1/settings")).json()["profile"]
    assert (profile["units"], profile["time_zone"]) == ("km", "UTC")


async def test_an_email_change_mails_a_link_to_the_new_address(stack: Stack) -> None:
    """POST /bff/v1/settings/email: 202, and the link confirms the new address."""
    browser, _ = await stack.runner()
    new = new_email()

    asked = await browser.send("POST", "/bff/v1/settings/email", json={"email": new})
    token = await stack.backend.link_token(new)
    confirmed = await browser.send("POST", "/bff/v1/email-changes/confirm", json={"token": token})

    assert asked.status_code == 202, asked.text
    assert confirmed.status_code == 204, confirmed.text
    assert (await browser.get("/bff/v1/settings")).json()["profile"]["email"] == new


@needs_password_change
async def test_a_password_change_keeps_this_browser_logged_in(stack: Stack) -> None:
    """Change password: 204, this browser stays logged in; a wrong current password is a 4xx
    and changes nothing."""
    email = new_email()
    browser, _ = await stack.runner(email)

    wrong = await browser.send(
        "POST",
        "/bff/v1/settings/password",
        json={"current_password": "not it at all", "new_password": "another passphrase"},
    )
    changed = await browser.send(
        "POST",
        "/bff/v1/settings/password",
        json={"current_password": PASSWORD, "new_password": "another passphrase"},
    )

    assert 400 <= wrong.status_code < 500
    assert changed.status_code == 204, changed.text
    assert (await browser.get("/bff/v1/home")).status_code == 200
    assert (await stack.browser().log_in(email, "another passphrase")).status_code == 200


@needs_deletion
async def test_deleting_the_account_asks_the_password_and_ends_the_session(stack: Stack) -> None:
    """Delete account: a wrong password changes nothing; the right one deletes, clears the
    cookie and the session; the runner can no longer log in."""
    email = new_email()
    browser, _ = await stack.runner(email)

    wrong = await browser.send("POST", "/bff/v1/account/deletion", json={"password": "nope nope"})
    assert 400 <= wrong.status_code < 500
    assert (await browser.get("/bff/v1/home")).status_code == 200
    deleted = await browser.send("POST", "/bff/v1/account/deletion", json={"password": PASSWORD})

    assert deleted.status_code == 204, deleted.text
    assert browser.cookie is None
    assert await stack.rows() == []
    assert (await stack.browser().log_in(email, PASSWORD)).status_code == 401
