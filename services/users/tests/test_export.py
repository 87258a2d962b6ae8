"""The users service's part of "Download my data": everything it keeps, never a secret."""

from __future__ import annotations

from sqlalchemy import select

from runnerly_users.models import OneTimeToken, User

from .support import PASSWORD, Stack, unique_email


async def test_the_runner_gets_their_account_profile_and_pending_change(stack: Stack) -> None:
    """Account, the whole profile, preferences and the pending email change, as stored; no
    password hash and no token hash in the body; not cacheable."""
    email, new_email = unique_email(), unique_email("moving")
    user_id = await stack.active_runner(email)
    headers = stack.runner_headers(user_id)
    change = {
        "first_name": "Ada",
        "birth_year": 1985,
        "max_heart_rate": 188,
        "resting_heart_rate": 48,
        "home": {"place": "Lyon", "latitude": 45.76, "longitude": 4.84},
        "units": "miles",
        "time_zone": "Europe/Paris",
        "email_preferences": {"monthly_report": False},
    }
    assert (await stack.http.patch("/v1/runners/me", json=change, headers=headers)).is_success
    asked = await stack.http.post(
        f"/v1/runners/{user_id}/email", json={"email": new_email}, headers=headers
    )
    assert asked.status_code == 202

    response = await stack.http.get(f"/v1/runners/{user_id}/export", headers=headers)

    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert (body["service"], body["runner_id"], body["files"]) == ("users", user_id, [])
    data = body["data"]
    assert data["account"]["email"] == email
    assert data["account"]["status"] == "active"
    assert data["account"]["activated_at"] is not None
    for key, value in change.items():
        assert data["profile"][key] == value, key
    assert data["pending_email_change"]["new_email"] == new_email
    assert [link["purpose"] for link in data["pending_links"]] == ["email_change"]
    async with stack.runtime.db.transaction(write=False) as session:
        user = await session.get(User, user_id)
        assert user is not None
        secrets = [user.password_hash]
        tokens = select(OneTimeToken).where(OneTimeToken.user_id == user_id)
        secrets += [token.token_hash for token in (await session.scalars(tokens)).all()]
    for secret in secrets:
        assert secret not in response.text
    assert "argon2" in data["account"]["password"].lower()


async def test_another_runner_gets_403(stack: Stack) -> None:
    """A runner asking for someone else's export is refused and sees nothing of it."""
    owner_email = unique_email()
    owner = await stack.active_runner(owner_email)
    intruder = await stack.active_runner(unique_email())

    response = await stack.http.get(
        f"/v1/runners/{owner}/export", headers=stack.runner_headers(intruder)
    )

    assert response.status_code == 403
    assert owner_email not in response.text


async def test_an_operator_exports_any_runner_until_the_account_is_deleted(stack: Stack) -> None:
    """A service token with scope export reads anyone's export; once deleted, 404."""
    email = unique_email()
    user_id = await stack.active_runner(email)
    operator = await stack.service_headers("operator")
    without_scope = await stack.service_headers("runs")

    exported = await stack.http.get(f"/v1/runners/{user_id}/export", headers=operator)
    refused = await stack.http.get(f"/v1/runners/{user_id}/export", headers=without_scope)

    assert exported.status_code == 200
    assert exported.json()["data"]["account"]["email"] == email
    assert refused.status_code == 403
    deleted = await stack.http.post(
        f"/v1/runners/{user_id}/deletion",
        json={"password": PASSWORD},
        headers=stack.runner_headers(user_id),
    )
    assert deleted.status_code == 204
    gone = await stack.http.get(f"/v1/runners/{user_id}/export", headers=operator)
    assert gone.status_code == 404
    assert email not in gone.text
