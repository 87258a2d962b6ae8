"""The internal credentials check: who may call it, and what it answers (no enumeration)."""

from __future__ import annotations

from argon2 import PasswordHasher
from sqlalchemy import update

from runnerly_users.models import User

from .support import ADMIN_EMAIL, PASSWORD, Stack, unique_email


async def test_a_wrong_password_and_an_unknown_email_get_the_same_verdict(stack: Stack) -> None:
    """Both are a 200 "wrong_credentials" verdict with identical bodies, naming nobody.

    Not a 401: that would tell the token dealer its own service token is bad.
    """
    email = unique_email()
    await stack.active_runner(email)

    wrong = await stack.check(email, "not the right passphrase")
    unknown = await stack.check(unique_email(), PASSWORD)
    malformed = await stack.check("not an email", PASSWORD)

    assert wrong.status_code == unknown.status_code == malformed.status_code == 200
    assert wrong.json() == unknown.json() == malformed.json()
    assert wrong.json() == {"verdict": "wrong_credentials", "user_id": None, "scopes": []}


async def test_the_check_needs_the_credentials_scope(stack: Stack) -> None:
    """A service token without users:credentials.check gets 403; no token at all gets 401."""
    email = unique_email()
    await stack.active_runner(email)
    body = {"email": email, "password": PASSWORD}

    other_service = await stack.http.post(
        "/v1/internal/credentials/check", json=body, headers=await stack.service_headers("runs")
    )
    runner = await stack.http.post(
        "/v1/internal/credentials/check", json=body, headers=stack.runner_headers("someone")
    )
    anonymous = await stack.http.post("/v1/internal/credentials/check", json=body)

    assert other_service.status_code == runner.status_code == 403
    assert other_service.json()["error"]["details"] == {"required_scope": "users:credentials.check"}
    assert anonymous.status_code == 401


async def test_an_admin_email_gets_the_admin_scope(stack: Stack) -> None:
    """An account whose email is in USERS_ADMIN_EMAILS logs in with scopes runner and admin."""
    user_id = await stack.active_runner(ADMIN_EMAIL.upper())

    login = await stack.check(ADMIN_EMAIL, PASSWORD)

    assert login.status_code == 200
    assert login.json() == {
        "verdict": "accepted",
        "user_id": user_id,
        "scopes": ["runner", "admin"],
    }


async def test_a_login_upgrades_a_hash_made_with_older_parameters(stack: Stack) -> None:
    """A password hashed at another Argon2id cost still logs in, and is re-hashed at today's."""
    email = unique_email()
    user_id = await stack.active_runner(email)
    older = PasswordHasher(time_cost=2, memory_cost=8 * 1024, parallelism=1).hash(PASSWORD)
    async with stack.runtime.db.transaction() as session:
        await session.execute(update(User).where(User.id == user_id).values(password_hash=older))

    login = await stack.check(email, PASSWORD)

    assert login.status_code == 200
    async with stack.runtime.db.transaction(write=False) as session:
        stored = await session.get(User, user_id)
        assert stored is not None
        assert stored.password_hash != older
        assert ",t=1," in stored.password_hash
    assert (await stack.check(email, PASSWORD)).status_code == 200
