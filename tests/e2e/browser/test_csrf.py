"""The session's defences: a state-changing request needs the CSRF token and the app's origin."""

from __future__ import annotations

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import HTMLResponse
from starlette.routing import Route

from runnerly_kit.testing.ports import free_port
from runnerly_kit.testing.servers import serve

from ..system import System
from .conftest import App

pytestmark = pytest.mark.slow

PASSWORD = "a long easy passphrase"


async def test_a_change_without_the_csrf_token_or_from_another_origin_is_refused(
    app: App, system: System
) -> None:
    """With the runner's session cookie, a profile change without the X-CSRF-Token header, or
    with it but from another origin, is refused 403 csrf_failed and changes nothing; the same
    change with both succeeds."""
    await system.signed_up("ida@example.org", PASSWORD, name="Ida")
    await app.log_in("ida@example.org", PASSWORD)
    request = app.context.request  # the browser's cookies, not its page script
    session = await request.get(f"{system.dashboard}/bff/v1/session")
    token = (await session.json())["csrf_token"]
    profile_url = f"{system.dashboard}/bff/v1/settings/profile"
    change = {"name": "Mallory"}

    no_token = await request.patch(profile_url, data=change, headers={"Origin": system.dashboard})
    elsewhere = await request.patch(
        profile_url,
        data=change,
        headers={"Origin": "http://127.0.0.1:1", "X-CSRF-Token": token},
    )
    wrong_token = await request.patch(
        profile_url, data=change, headers={"Origin": system.dashboard, "X-CSRF-Token": "forged"}
    )
    logout_elsewhere = await request.delete(
        f"{system.dashboard}/bff/v1/session",
        headers={"Origin": "http://evil.example", "X-CSRF-Token": token},
    )
    settings = await request.get(f"{system.dashboard}/bff/v1/settings")

    for refused in (no_token, elsewhere, wrong_token, logout_elsewhere):
        assert refused.status == 403, await refused.text()
        assert (await refused.json())["error"]["code"] == "csrf_failed"
    assert settings.status == 200  # still logged in: the foreign logout changed nothing
    assert (await settings.json())["profile"]["name"] == "Ida"

    allowed = await request.patch(
        profile_url, data=change, headers={"Origin": system.dashboard, "X-CSRF-Token": token}
    )
    assert allowed.status == 200, await allowed.text()
    assert (await allowed.json())["name"] == "Mallory"


def _attacker(dashboard: str) -> Starlette:
    """A page on another origin with a form posting the account deletion to the dashboard.

    Sent as text/plain, the one body a cross-origin form can make look like JSON:
    ``{"password":"...","x":"="}``, the very request the app makes, but for its origin.
    """
    field = f'{{"password":"{PASSWORD}","x":"'
    page = (
        '<!doctype html><html lang="en"><head><title>You won!</title></head><body><main>'
        f'<form id="win" method="post" action="{dashboard}/bff/v1/account/deletion" '
        f'enctype="text/plain"><input type="hidden" name=\'{field}\' value=\'"}}\'></form>'
        "</main></body></html>"
    )

    async def index(_request: Request) -> HTMLResponse:
        return HTMLResponse(page)

    return Starlette(routes=[Route("/", index)])


async def test_a_page_of_another_origin_cannot_delete_the_account_with_the_runners_cookie(
    app: App, system: System
) -> None:
    """A page on another port of the same host (same site: the browser sends the session
    cookie along) submitting the account deletion is refused 403; the account and the
    session are still there."""
    await system.signed_up("jan@example.org", PASSWORD, name="Jan")
    await app.log_in("jan@example.org", PASSWORD)
    port = free_port()

    async with serve(_attacker(system.dashboard), port=port):
        await app.page.goto(f"http://127.0.0.1:{port}/")
        async with app.page.expect_response(lambda r: "/account/deletion" in r.url) as answer:
            await app.page.evaluate("() => document.getElementById('win').submit()")
        refused = await answer.value

    assert refused.status == 403
    assert (await system.login("jan@example.org", PASSWORD)).status_code == 200
    await app.open("/")
    await app.heading("Home")  # still logged in
