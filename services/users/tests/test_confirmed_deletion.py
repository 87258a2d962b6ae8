"""Deleting one's account with the password again: all or nothing."""

from __future__ import annotations

from typing import Any

from runnerly_users.models import User

from .support import PASSWORD, Stack, unique_email


async def _exists(stack: Stack, user_id: str) -> bool:
    async with stack.runtime.db.transaction(write=False) as session:
        return await session.get(User, user_id) is not None


async def test_the_right_password_deletes_the_account(stack: Stack) -> None:
    """204: the account is gone, users.user.deleted.v1 tells every service, the login fails."""
    email = unique_email()
    user_id = await stack.active_runner(email)

    deleted = await stack.http.post(
        f"/v1/runners/{user_id}/deletion",
        json={"password": PASSWORD},
        headers=stack.runner_headers(user_id),
    )

    assert deleted.status_code == 204, deleted.text
    event = await stack.mailbox.wait_for("users.user.deleted.v1", user_id=user_id)
    assert event.subject == user_id
    assert not await _exists(stack, user_id)
    assert (await stack.check(email, PASSWORD)).json()["verdict"] == "wrong_credentials"


async def test_a_wrong_password_deletes_nothing(stack: Stack) -> None:
    """422 wrong_password naming the field; the account stays and no deletion is published."""
    email = unique_email()
    user_id = await stack.active_runner(email)

    refused = await stack.http.post(
        f"/v1/runners/{user_id}/deletion",
        json={"password": "not my password at all"},
        headers=stack.runner_headers(user_id),
    )

    assert refused.status_code == 422
    assert refused.json()["error"]["code"] == "wrong_password"
    assert refused.json()["error"]["details"] == [{"location": ["body", "password"]}]
    assert await _exists(stack, user_id)
    assert (await stack.check(email, PASSWORD)).json()["user_id"] == user_id
    assert stack.mailbox.count("users.user.deleted.v1", user_id=user_id) == 0


async def test_another_runner_cannot_delete_the_account(stack: Stack) -> None:
    """Another runner's id (even with the owner's password) or a service token: 403, it stays."""
    owner = await stack.active_runner(unique_email())
    intruder = await stack.active_runner(unique_email())

    by_runner = await stack.http.post(
        f"/v1/runners/{owner}/deletion",
        json={"password": PASSWORD},
        headers=stack.runner_headers(intruder),
    )
    by_service = await stack.http.post(
        f"/v1/runners/{owner}/deletion",
        json={"password": PASSWORD},
        headers=await stack.service_headers(),
    )

    assert by_runner.status_code == by_service.status_code == 403
    assert await _exists(stack, owner)


async def test_bad_bodies_are_refused_and_delete_nothing(stack: Stack) -> None:
    """No password, an empty one, another field: 422 invalid_input, the account stays."""
    user_id = await stack.active_runner(unique_email())
    bodies: list[Any] = [{}, {"password": ""}, {"password": PASSWORD, "confirm": True}, [PASSWORD]]

    for body in bodies:
        response = await stack.http.post(
            f"/v1/runners/{user_id}/deletion", json=body, headers=stack.runner_headers(user_id)
        )

        assert response.status_code == 422, body
        assert response.json()["error"]["code"] == "invalid_input", body
    assert await _exists(stack, user_id)
