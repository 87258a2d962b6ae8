"""The dashboard's OpenAPI contract holds under generated requests (schemathesis)."""

from __future__ import annotations

from runnerly_kit.testing.contract import check_contract

from .support import Stack


async def test_schemathesis_finds_no_server_error(stack: Stack) -> None:
    """No 5xx and no answer off the documented schema: without a session, then as a logged-in
    runner whose every call carries the cookie, the CSRF token and the dashboard's Origin
    (logging out and deleting the account left out: they would end the session mid-run)."""
    await check_contract(stack.url, max_examples=5)
    browser, _ = await stack.runner()
    headers = {
        "Cookie": f"{stack.settings.cookie_name}={browser.cookie}",
        "X-CSRF-Token": browser.csrf_token or "",
        "Origin": browser.origin,
    }
    await check_contract(
        stack.url,
        headers=headers,
        max_examples=5,
        exclude_operations=("log_out", "delete_account"),
    )
