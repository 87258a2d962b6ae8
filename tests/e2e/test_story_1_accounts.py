"""Story 1, end to end: "As a user, I can create an account on Runnerly with my email and
activate it through a confirmation link I receive in my mailbox." — and what follows from it.

Everything is real: the token dealer, users and the mailer each serve HTTP on loopback with
their own database, events travel through NATS JetStream, and mail is delivered over SMTP to
the sink that `runnerly mail` reads.
"""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from prometheus_client.parser import text_string_to_metric_families
from sqlalchemy import text

from runnerly_kit.db import Database

from .system import ADMIN_EMAIL, System, link_token

pytestmark = pytest.mark.slow

EMAIL = "Ada.Lovelace@Example.org"
PASSWORD = "analytical engine 1843"


async def _sign_up_and_activate(system: System, email: str = EMAIL) -> None:
    signed_up = await system.http.post(
        f"{system.users}/v1/accounts",
        json={"email": email, "password": PASSWORD, "name": "Ada"},
    )
    assert signed_up.status_code == 202, signed_up.text
    activation = await system.mail_to(email.lower())
    activated = await system.http.post(
        f"{system.users}/v1/activations", json={"token": link_token(activation)}
    )
    assert activated.status_code == 204, activated.text


async def test_a_runner_signs_up_activates_logs_in_edits_the_profile_and_logs_out(
    system: System,
) -> None:
    """Sign up → mail in the sink → its link activates → login → profile → refresh → logout."""
    signed_up = await system.http.post(
        f"{system.users}/v1/accounts", json={"email": EMAIL, "password": PASSWORD, "name": "Ada"}
    )
    assert signed_up.status_code == 202, signed_up.text
    before = await system.login(EMAIL, PASSWORD)
    assert before.status_code == 400  # not activated yet
    assert "not active" in before.json()["error"]["message"]

    activation = await system.mail_to("ada.lovelace@example.org")
    assert f"{system.dashboard}/activate?token=" in activation.text
    activated = await system.http.post(
        f"{system.users}/v1/activations", json={"token": link_token(activation)}
    )
    assert activated.status_code == 204, activated.text

    login = await system.login(EMAIL, PASSWORD)
    assert login.status_code == 200, login.text
    tokens = login.json()
    assert tokens["scope"] == "runner"
    assert tokens["refresh_token"]
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}

    profile = await system.http.get(f"{system.users}/v1/runners/me", headers=bearer)
    assert profile.status_code == 200, profile.text
    changed = await system.http.patch(
        f"{system.users}/v1/runners/me",
        headers=bearer,
        json={"birth_year": 1985, "units": "miles", "time_zone": "Europe/London"},
    )
    assert changed.status_code == 200, changed.text
    again = (await system.http.get(f"{system.users}/v1/runners/me", headers=bearer)).json()
    assert again["birth_year"] == 1985
    assert again["units"] == "miles"

    refreshed = await system.refresh(tokens["refresh_token"])
    assert refreshed.status_code == 200, refreshed.text
    new_refresh = refreshed.json()["refresh_token"]

    logout = await system.logout(new_refresh)
    assert logout.status_code == 200
    after_logout = await system.refresh(new_refresh)
    assert after_logout.status_code == 400
    assert after_logout.json()["error"]["code"] == "invalid_grant"


async def test_an_unknown_email_and_a_wrong_password_get_the_same_answer(system: System) -> None:
    """No account enumeration through the login."""
    await _sign_up_and_activate(system)

    wrong_password = await system.login(EMAIL, "not the right password")
    unknown = await system.login("nobody@example.org", "not the right password")

    assert wrong_password.status_code == unknown.status_code == 400
    assert wrong_password.json() == unknown.json()


async def test_repeated_failed_logins_are_slowed_down(system: System) -> None:
    """After three free mistakes each failure doubles the wait, even for the right password.

    The token dealer's throttle clock moves only when the test moves it, so how
    long a password check takes on a busy machine changes nothing here.
    """
    await _sign_up_and_activate(system)

    statuses, waits = [], []
    for _ in range(6):
        response = await system.login(EMAIL, "guessing again")
        statuses.append(response.status_code)
        if response.status_code == 429:
            waits.append(int(response.headers["Retry-After"]))
            break
    right_but_blocked = await system.login(EMAIL, PASSWORD)
    system.login_clock.advance(0.5)
    still_blocked = await system.login(EMAIL, PASSWORD)

    assert statuses == [400, 400, 400, 400, 429]
    assert waits == [1]
    assert right_but_blocked.status_code == still_blocked.status_code == 429
    assert right_but_blocked.json()["error"]["code"] == "rate_limited"
    system.login_clock.advance(0.5)  # the one-second wait is over: the right password works
    assert (await system.login(EMAIL, PASSWORD)).status_code == 200


async def test_the_wait_counts_from_the_refusal_not_the_requests_start(system: System) -> None:
    """A slow password check does not eat the wait: it starts when the failure is recorded.

    The clock moves 0.6 s between any two readings, as if every check took that
    long. The fourth failure is read at t and recorded at t + 0.6, so the next
    attempt, at t + 1.2, is still inside its one-second wait.
    """
    await _sign_up_and_activate(system)
    system.login_clock.step = timedelta(seconds=0.6)

    statuses = [(await system.login(EMAIL, "guessing again")).status_code for _ in range(5)]

    assert statuses == [400, 400, 400, 400, 429]


def _credentials_checks(metrics: str) -> dict[str, float]:
    """The users service's request counter for the credentials check, by status."""
    return {
        sample.labels["status"]: sample.value
        for family in text_string_to_metric_families(metrics)
        for sample in family.samples
        if sample.name == "http_requests_total"
        and sample.labels.get("route") == "/v1/internal/credentials/check"
    }


async def test_a_failed_login_costs_one_credentials_check(system: System) -> None:
    """Each wrong password is one call to users (one Argon2 check), answered 200, never 401."""
    await _sign_up_and_activate(system)
    assert (await system.login(EMAIL, PASSWORD)).status_code == 200
    before = _credentials_checks((await system.http.get(f"{system.users}/metrics")).text)

    for _ in range(3):
        assert (await system.login(EMAIL, "not the password")).status_code == 400

    after = _credentials_checks((await system.http.get(f"{system.users}/metrics")).text)
    assert after.get("200", 0) - before.get("200", 0) == 3
    assert "401" not in after


async def test_a_deleted_account_is_forgotten_by_every_service(system: System) -> None:
    """Deleting the account removes it from users, and the token dealer ends its sessions."""
    await _sign_up_and_activate(system)
    tokens = (await system.login(EMAIL, PASSWORD)).json()
    bearer = {"Authorization": f"Bearer {tokens['access_token']}"}
    me = (await system.http.get(f"{system.users}/v1/runners/me", headers=bearer)).json()

    deleted = await system.http.delete(f"{system.users}/v1/runners/{me['id']}", headers=bearer)
    assert deleted.status_code == 204, deleted.text

    # users.user.deleted.v1 reaches the token dealer through the broker: it forgets the runner.
    tokendealer = Database(system.databases["tokendealer"])
    try:
        async with asyncio.timeout(60):  # a bound on failure
            while True:
                if not await _sessions_of(tokendealer, me["id"]):
                    break
                await asyncio.sleep(0.1)
    finally:
        await tokendealer.dispose()
    refused = await system.refresh(tokens["refresh_token"])
    assert refused.status_code == 400
    assert refused.json()["error"]["code"] == "invalid_grant"
    assert (await system.login(EMAIL, PASSWORD)).status_code == 400
    gone = await system.http.get(f"{system.users}/v1/runners/me", headers=bearer)
    assert gone.status_code in {401, 404}


async def _sessions_of(tokendealer: Database, runner_id: str) -> int:
    async with tokendealer.transaction(write=False) as session:
        count = await session.scalar(
            text("SELECT count(*) FROM refresh_token_families WHERE subject = :subject"),
            {"subject": runner_id},
        )
    return int(count or 0)


async def test_a_password_reset_by_email_ends_every_session(system: System) -> None:
    """The reset link sets a new password; the token dealer then ends the runner's sessions."""
    await _sign_up_and_activate(system)
    session = (await system.login(EMAIL, PASSWORD)).json()

    asked = await system.http.post(f"{system.users}/v1/password-resets", json={"email": EMAIL})
    assert asked.status_code == 202
    reset_mail = await system.mail_to(EMAIL.lower(), count=2)  # after the activation mail
    assert "/reset-password?token=" in reset_mail.text
    new_password = "a brand new passphrase"
    confirmed = await system.http.post(
        f"{system.users}/v1/password-resets/confirm",
        json={"token": link_token(reset_mail), "password": new_password},
    )
    assert confirmed.status_code == 204, confirmed.text

    # users.password.reset.v1 reaches the token dealer; the old session ends.
    async with asyncio.timeout(60):  # a bound on failure
        while True:
            refreshed = await system.refresh(session["refresh_token"])
            if refreshed.status_code == 400:
                break
            session = refreshed.json()  # not processed yet: keep the rotated token
            await asyncio.sleep(0.1)
    assert refreshed.json()["error"]["code"] == "invalid_grant"
    assert (await system.login(EMAIL, PASSWORD)).status_code == 400
    assert (await system.login(EMAIL, new_password)).status_code == 200


async def test_an_admin_deactivating_a_runner_ends_their_sessions(system: System) -> None:
    """Deactivation refuses new logins and, through the broker, ends the runner's sessions."""
    await _sign_up_and_activate(system)
    await _sign_up_and_activate(system, ADMIN_EMAIL)
    runner = (await system.login(EMAIL, PASSWORD)).json()
    admin = (await system.login(ADMIN_EMAIL, PASSWORD)).json()
    assert set(admin["scope"].split()) == {"runner", "admin"}
    me = await system.http.get(
        f"{system.users}/v1/runners/me",
        headers={"Authorization": f"Bearer {runner['access_token']}"},
    )

    deactivated = await system.http.post(
        f"{system.users}/v1/admin/runners/{me.json()['id']}/deactivate",
        headers={"Authorization": f"Bearer {admin['access_token']}"},
    )

    assert deactivated.status_code == 200, deactivated.text
    async with asyncio.timeout(60):  # a bound on failure
        while True:
            refreshed = await system.refresh(runner["refresh_token"])
            if refreshed.status_code == 400:
                break
            runner = refreshed.json()  # not processed yet: keep the rotated token
            await asyncio.sleep(0.1)
    assert (await system.login(EMAIL, PASSWORD)).status_code == 400
