"""Refresh tokens rotate; a spent one presented again revokes its whole family."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import func, select, update

from runnerly_kit.columns import utcnow
from runnerly_tokendealer.models import RefreshToken, RefreshTokenFamily

from .support import TokenDealer


async def test_a_refresh_token_rotates(tokendealer: TokenDealer) -> None:
    """Each refresh returns a new access token and a new refresh token for the same runner."""
    session = await tokendealer.start_session("dashboard", "runner-1", {"runner"})

    response = await tokendealer.token(
        "dashboard", {"grant_type": "refresh_token", "refresh_token": session.refresh_token or ""}
    )

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["refresh_token"] != session.refresh_token
    assert body["access_token"] != session.access_token
    assert body["scope"] == "runner"
    claims = await tokendealer.runtime.verifier.verify(body["access_token"])
    assert claims.subject == "runner-1"


async def test_reusing_a_spent_refresh_token_revokes_the_family(tokendealer: TokenDealer) -> None:
    """A replayed token is refused and the legitimate newer token stops working too."""
    session = await tokendealer.start_session("dashboard", "runner-1", {"runner"})
    first = session.refresh_token or ""
    rotated = await tokendealer.token(
        "dashboard", {"grant_type": "refresh_token", "refresh_token": first}
    )
    newest = rotated.json()["refresh_token"]

    replay = await tokendealer.token(
        "dashboard", {"grant_type": "refresh_token", "refresh_token": first}
    )
    after = await tokendealer.token(
        "dashboard", {"grant_type": "refresh_token", "refresh_token": newest}
    )

    assert replay.status_code == 400
    assert replay.json()["error"]["code"] == "invalid_grant"
    assert after.status_code == 400
    assert after.json()["error"]["code"] == "invalid_grant"
    async with tokendealer.runtime.db.transaction(write=False) as db:
        family = await db.scalar(select(RefreshTokenFamily))
    assert family is not None
    assert family.revoked_at is not None
    assert family.revoked_reason == "reuse"


async def test_another_clients_refresh_token_is_refused(tokendealer: TokenDealer) -> None:
    """A refresh token works only for its own client, and a refused attempt does not spend it."""
    session = await tokendealer.start_session("dashboard", "runner-1", {"runner"})
    token = session.refresh_token or ""

    stolen = await tokendealer.token(
        "runs", {"grant_type": "refresh_token", "refresh_token": token}
    )
    legit = await tokendealer.token(
        "dashboard", {"grant_type": "refresh_token", "refresh_token": token}
    )

    assert stolen.status_code == 400
    assert stolen.json()["error"]["code"] == "invalid_grant"
    assert legit.status_code == 200


async def test_an_expired_refresh_token_is_refused(tokendealer: TokenDealer) -> None:
    """Past its expiry a refresh token is invalid_grant."""
    session = await tokendealer.start_session("dashboard", "runner-1", {"runner"})
    async with tokendealer.runtime.db.transaction() as db:
        await db.execute(update(RefreshToken).values(expires_at=utcnow() - timedelta(seconds=1)))

    response = await tokendealer.token(
        "dashboard", {"grant_type": "refresh_token", "refresh_token": session.refresh_token or ""}
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid_grant"


async def test_a_refresh_cannot_widen_scopes(tokendealer: TokenDealer) -> None:
    """Asking for a scope the session never had is invalid_scope, and the token is not spent."""
    session = await tokendealer.start_session("dashboard", "runner-1", {"runner"})
    token = session.refresh_token or ""

    widened = await tokendealer.token(
        "dashboard",
        {"grant_type": "refresh_token", "refresh_token": token, "scope": "runner admin"},
    )
    again = await tokendealer.token(
        "dashboard", {"grant_type": "refresh_token", "refresh_token": token}
    )

    assert widened.status_code == 400
    assert widened.json()["error"]["code"] == "invalid_scope"
    assert again.status_code == 200
    async with tokendealer.runtime.db.transaction(write=False) as db:
        assert await db.scalar(select(func.count()).select_from(RefreshToken)) == 2
