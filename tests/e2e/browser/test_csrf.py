"""The session's defences: a state-changing request needs the CSRF token and the app's origin."""

from __future__ import annotations

import pytest

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
