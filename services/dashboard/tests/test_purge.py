"""A runner who deletes their account is forgotten: every browser session of theirs ends."""

from __future__ import annotations

import httpx

from runnerly_kit.testing.waiting import eventually

from .support import PASSWORD, Stack, new_email


async def test_the_deleted_runners_sessions_are_forgotten(stack: Stack) -> None:
    """users.user.deleted.v1 (the account deleted at users) ends the runner's sessions in every
    browser; another runner's session is untouched."""
    email = new_email()
    browser, runner_id = await stack.runner(email)
    second = stack.browser()
    assert (await second.log_in(email, PASSWORD)).status_code == 200
    other, _ = await stack.runner()
    access = await stack.token_of(browser, "access")

    async with httpx.AsyncClient() as http:
        deleted = await http.delete(
            f"{stack.backend.users}/v1/runners/{runner_id}",
            headers={"Authorization": f"Bearer {access}"},
        )
    assert deleted.status_code == 204, deleted.text

    async def forgotten() -> bool:
        return all(r.runner_id != runner_id for r in await stack.rows())

    assert await eventually(forgotten, what="the runner's sessions forgotten")
    assert (await browser.session())["runner"] is None
    assert (await second.session())["runner"] is None
    assert (await other.get("/bff/v1/home")).status_code == 200
