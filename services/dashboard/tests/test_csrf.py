"""CSRF: every state-changing call needs the session's token and the dashboard's own Origin."""

from __future__ import annotations

import uuid

from .support import PASSWORD, Stack, new_email

_UNSAFE = {"POST", "PUT", "PATCH", "DELETE"}


def _state_changing_routes(stack: Stack) -> list[tuple[str, str]]:
    # From the OpenAPI document: every route the app declares, whatever nests its routers.
    paths = stack.app.openapi()["paths"]
    return sorted(
        (method.upper(), path.replace("{run_id}", str(uuid.uuid4())))
        for path, operations in paths.items()
        for method in operations
        if method.upper() in _UNSAFE
    )


async def test_every_state_changing_route_refuses_a_call_without_the_token(stack: Stack) -> None:
    """Each POST/PATCH/DELETE of the BFF, called by a logged-in browser from the right origin
    but without X-CSRF-Token, is 403 csrf_failed."""
    browser, _ = await stack.runner()
    routes = _state_changing_routes(stack)
    assert len(routes) >= 17

    for method, path in routes:
        response = await browser.request(method, path, headers={"Origin": browser.origin}, json={})
        assert response.status_code == 403, (method, path, response.text)
        assert response.json()["error"]["code"] == "csrf_failed", (method, path)


async def test_another_origin_is_refused_and_changes_nothing(stack: Stack) -> None:
    """With the right token but another site's Origin (or no Origin nor Referer), a profile
    change is 403 and the profile stays as it was; the dashboard's own Referer is accepted."""
    browser, _ = await stack.runner()
    change = {"name": "Mallory"}

    foreign = await browser.send(
        "PATCH", "/bff/v1/settings/profile", json=change, headers={"Origin": "https://evil.example"}
    )
    null = await browser.send(
        "PATCH", "/bff/v1/settings/profile", json=change, headers={"Origin": "null"}
    )
    lookalike = await browser.send(
        "PATCH",
        "/bff/v1/settings/profile",
        json=change,
        headers={"Origin": browser.origin.replace("127.0.0.1", "127.0.0.1.evil.example")},
    )

    for response in (foreign, null, lookalike):
        assert (response.status_code, response.json()["error"]["code"]) == (403, "csrf_failed")
    profile = (await browser.get("/bff/v1/settings")).json()["profile"]
    assert profile["name"] == "Ada"
    by_referer = await browser.request(
        "PATCH",
        "/bff/v1/settings/profile",
        json={"name": "Grace"},
        headers={"Referer": f"{browser.origin}/settings", "X-CSRF-Token": browser.csrf_token or ""},
    )
    assert by_referer.status_code == 200, by_referer.text
    assert by_referer.json()["name"] == "Grace"


async def test_another_sessions_token_is_refused(stack: Stack) -> None:
    """A CSRF token is one session's: another browser's token does not do."""
    browser, _ = await stack.runner()
    other = stack.browser()
    await other.session()

    response = await browser.send(
        "DELETE", "/bff/v1/session", headers={"X-CSRF-Token": other.csrf_token or ""}
    )

    assert (response.status_code, response.json()["error"]["code"]) == (403, "csrf_failed")
    assert (await browser.get("/bff/v1/home")).status_code == 200


async def test_a_login_without_the_token_neither_logs_in_nor_rotates(stack: Stack) -> None:
    """A forged login (login CSRF) is refused before the password is checked: the browser's
    session stays anonymous under the same cookie."""
    email = new_email()
    browser = stack.browser()
    await stack.sign_up(browser, email)
    cookie = browser.cookie

    response = await browser.request(
        "POST",
        "/bff/v1/session",
        json={"email": email, "password": PASSWORD},
        headers={"Origin": browser.origin},
    )

    assert (response.status_code, response.json()["error"]["code"]) == (403, "csrf_failed")
    assert browser.cookie == cookie
    assert (await browser.session())["runner"] is None
