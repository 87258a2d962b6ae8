"""Deleting one's account, and the admin's list and deactivation."""

from __future__ import annotations

from sqlalchemy import func, select

from runnerly_kit.testing.waiting import eventually
from runnerly_users.models import OneTimeToken, User

from .support import ADMIN_EMAIL, PASSWORD, Stack, unique_email


async def test_deleting_the_account_removes_it_and_publishes_user_deleted(stack: Stack) -> None:
    """DELETE own id: the row and its tokens go, users.user.deleted.v1 is published, login fails."""
    email = unique_email()
    user_id = await stack.active_runner(email)
    headers = stack.runner_headers(user_id)
    await stack.http.post("/v1/password-resets", json={"email": email})
    await stack.mailbox.email(email, "password_reset")

    deleted = await stack.http.delete(f"/v1/runners/{user_id}", headers=headers)

    assert deleted.status_code == 204
    event = await stack.mailbox.wait_for("users.user.deleted.v1", user_id=user_id)
    assert event.subject == user_id
    async with stack.runtime.db.transaction(write=False) as session:
        assert await session.get(User, user_id) is None
        tokens = select(func.count()).select_from(OneTimeToken)
        assert await session.scalar(tokens.where(OneTimeToken.user_id == user_id)) == 0
    assert (await stack.check(email, PASSWORD)).json()["verdict"] == "wrong_credentials"

    # The deletion revokes the runner's tokens in every service, this one included.
    async def refused() -> bool:
        return (await stack.http.get("/v1/runners/me", headers=headers)).status_code == 401

    await eventually(refused, within=10, what="the deleted runner's token to be refused")


async def test_an_admin_pages_through_runners_and_deactivates_one(stack: Stack) -> None:
    """Keyset pages cover every account once; a deactivated runner's login is account_inactive."""
    admin_id = await stack.active_runner(ADMIN_EMAIL)
    runners = [await stack.active_runner(unique_email()) for _ in range(4)]
    admin = stack.runner_headers(admin_id, "runner", "admin")

    seen: list[str] = []
    cursor: str | None = None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = await stack.http.get("/v1/admin/runners", params=params, headers=admin)
        assert page.status_code == 200, page.text
        seen += [item["id"] for item in page.json()["items"]]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted([admin_id, *runners])
    assert len(seen) == len(set(seen))

    victim = runners[0]
    deactivated = await stack.http.post(f"/v1/admin/runners/{victim}/deactivate", headers=admin)

    assert deactivated.status_code == 200
    assert deactivated.json()["is_active"] is False
    email = deactivated.json()["email"]
    refused = await stack.check(email, PASSWORD)
    assert refused.status_code == 403
    assert refused.json()["error"]["code"] == "account_inactive"
    missing = "00000000-0000-4000-8000-000000000000"
    gone = await stack.http.post(f"/v1/admin/runners/{missing}/deactivate", headers=admin)
    assert gone.status_code == 404


async def test_a_runner_without_the_admin_scope_is_refused(stack: Stack) -> None:
    """A runner's token without scope admin gets 403 on both admin endpoints; nothing changes."""
    runner_id = await stack.active_runner(unique_email())
    email = unique_email()
    other = await stack.active_runner(email)
    headers = stack.runner_headers(runner_id)

    listed = await stack.http.get("/v1/admin/runners", headers=headers)
    deactivate = await stack.http.post(f"/v1/admin/runners/{other}/deactivate", headers=headers)

    assert listed.status_code == deactivate.status_code == 403
    assert listed.json()["error"]["details"] == {"required_scope": "admin"}
    assert (await stack.check(email, PASSWORD)).status_code == 200
