"""Changing one's password with the current one: the other sessions end, this one stays."""

from __future__ import annotations

from typing import Any

import jwt
import pytest

from runnerly_kit.columns import utcnow
from runnerly_kit.errors import Conflict
from runnerly_kit.testing.waiting import eventually
from runnerly_users.accounts import service as accounts
from runnerly_users.dependencies import Context, passwords_of

from .support import PASSWORD, Stack, unique_email

NEW_PASSWORD = "a brand new passphrase"


def _bearer(tokens: dict[str, Any]) -> dict[str, str]:
    return {"Authorization": f"Bearer {tokens['access_token']}"}


def _session_of(tokens: dict[str, Any]) -> str:
    # Read, not verified: the test only wants the session id the token dealer put in it.
    claims = jwt.decode(tokens["access_token"], options={"verify_signature": False})
    return str(claims["sid"])


async def test_a_change_sets_the_password_and_ends_only_the_other_sessions(stack: Stack) -> None:
    """204; the new password logs in, the old does not; the other session's refresh token and
    access token stop working, the session that changed the password keeps both."""
    email = unique_email()
    user_id = await stack.active_runner(email)
    here, elsewhere = await stack.log_in(email), await stack.log_in(email)

    changed = await stack.http.post(
        f"/v1/runners/{user_id}/password",
        json={"current_password": PASSWORD, "new_password": NEW_PASSWORD},
        headers=_bearer(here),
    )

    assert changed.status_code == 204, changed.text
    event = await stack.mailbox.wait_for("users.password.reset.v1", user_id=user_id)
    assert event.data["kept_session_id"] == _session_of(here)
    assert (await stack.check(email, PASSWORD)).json()["verdict"] == "wrong_credentials"
    assert (await stack.check(email, NEW_PASSWORD)).json()["user_id"] == user_id

    async def elsewhere_refused() -> bool:
        response = await stack.http.get("/v1/runners/me", headers=_bearer(elsewhere))
        return response.status_code == 401

    await eventually(elsewhere_refused, within=20, what="the other session's token refused")
    assert (await stack.refresh(elsewhere["refresh_token"])).status_code == 400
    assert (await stack.http.get("/v1/runners/me", headers=_bearer(here))).status_code == 200
    refreshed = await stack.refresh(here["refresh_token"])
    assert refreshed.status_code == 200, refreshed.text


async def test_a_wrong_current_password_changes_nothing(stack: Stack) -> None:
    """422 wrong_password naming the field (not a 401: the token is fine); no session ends."""
    email = unique_email()
    user_id = await stack.active_runner(email)
    here, elsewhere = await stack.log_in(email), await stack.log_in(email)

    refused = await stack.http.post(
        f"/v1/runners/{user_id}/password",
        json={"current_password": "not my password at all", "new_password": NEW_PASSWORD},
        headers=_bearer(here),
    )

    assert refused.status_code == 422
    error = refused.json()["error"]
    assert error["code"] == "wrong_password"
    assert error["details"] == [{"location": ["body", "current_password"]}]
    assert (await stack.check(email, PASSWORD)).json()["user_id"] == user_id
    assert (await stack.check(email, NEW_PASSWORD)).json()["verdict"] == "wrong_credentials"
    assert (await stack.refresh(elsewhere["refresh_token"])).status_code == 200
    assert stack.mailbox.count("users.password.reset.v1", user_id=user_id) == 0


async def test_a_new_password_must_pass_the_sign_up_rules(stack: Stack) -> None:
    """Too short, too common, containing the email or malformed bodies: 422, password unchanged."""
    email = unique_email("ada.lovelace")
    user_id = await stack.active_runner(email)
    headers = stack.runner_headers(user_id)
    local_part = email.split("@")[0]
    bodies: list[dict[str, Any]] = [
        {"current_password": PASSWORD, "new_password": "short"},
        {"current_password": PASSWORD, "new_password": "password123"},
        {"current_password": PASSWORD, "new_password": f"my {local_part} secret"},
        {"current_password": PASSWORD, "new_password": "x" * 129},
        {"current_password": PASSWORD},
        {"current_password": "", "new_password": NEW_PASSWORD},
        {"current_password": PASSWORD, "new_password": NEW_PASSWORD, "extra": 1},
    ]

    for body in bodies:
        response = await stack.http.post(
            f"/v1/runners/{user_id}/password", json=body, headers=headers
        )

        assert response.status_code == 422, body
        assert response.json()["error"]["code"] in {"invalid_input", "weak_password"}, body
    assert (await stack.check(email, PASSWORD)).json()["user_id"] == user_id


async def test_another_runners_password_cannot_be_changed(stack: Stack) -> None:
    """Another runner's id, or a service's token: 403, and their password stays."""
    owner_email = unique_email()
    owner = await stack.active_runner(owner_email)
    intruder = await stack.active_runner(unique_email())
    body = {"current_password": PASSWORD, "new_password": NEW_PASSWORD}

    by_runner = await stack.http.post(
        f"/v1/runners/{owner}/password", json=body, headers=stack.runner_headers(intruder)
    )
    by_service = await stack.http.post(
        f"/v1/runners/{owner}/password", json=body, headers=await stack.service_headers()
    )

    assert by_runner.status_code == by_service.status_code == 403
    assert (await stack.check(owner_email, PASSWORD)).json()["user_id"] == owner


async def test_a_password_changed_meanwhile_is_not_overwritten(stack: Stack) -> None:
    """The write after the (slow) check refuses with 409 password_changed when the hash it
    checked is no longer the account's: a concurrent change wins, nothing else is written."""
    email = unique_email()
    user_id = await stack.active_runner(email)
    runtime = stack.runtime
    async with runtime.db.transaction() as session:
        context = Context(session, stack.settings, passwords_of(runtime), utcnow())
        with pytest.raises(Conflict) as refused:
            await accounts.account_as_checked(context, user_id, "$argon2id$a-stale-hash")
    assert refused.value.code == "password_changed"
    assert (await stack.check(email, PASSWORD)).json()["user_id"] == user_id
