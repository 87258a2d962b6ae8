"""RFC 7009 revocation: refresh tokens, access tokens' sessions, and tokens of other clients."""

from __future__ import annotations

from .support import TokenDealer, basic


async def _refresh(tokendealer: TokenDealer, token: str) -> int:
    response = await tokendealer.token(
        "dashboard", {"grant_type": "refresh_token", "refresh_token": token}
    )
    return response.status_code


async def test_revoking_a_refresh_token_ends_the_session(tokendealer: TokenDealer) -> None:
    """After revocation (logout) the refresh token no longer works."""
    session = await tokendealer.start_session("dashboard", "runner-1", {"runner"})

    response = await tokendealer.http.post(
        "/oauth/revoke",
        data={"token": session.refresh_token or "", "token_type_hint": "refresh_token"},
        headers=basic("dashboard"),
    )

    assert response.status_code == 200
    assert await _refresh(tokendealer, session.refresh_token or "") == 400


async def test_revoking_an_access_token_ends_its_session(tokendealer: TokenDealer) -> None:
    """An access token's session (sid) is revoked, so its refresh token stops working."""
    session = await tokendealer.start_session("dashboard", "runner-1", {"runner"})

    response = await tokendealer.http.post(
        "/oauth/revoke", data={"token": session.access_token}, headers=basic("dashboard")
    )

    assert response.status_code == 200
    assert await _refresh(tokendealer, session.refresh_token or "") == 400


async def test_an_unknown_token_is_not_an_error(tokendealer: TokenDealer) -> None:
    """RFC 7009 §2.2: revoking a token the server does not know answers 200."""
    response = await tokendealer.http.post(
        "/oauth/revoke", data={"token": "never-issued"}, headers=basic("dashboard")
    )

    assert response.status_code == 200


async def test_a_client_cannot_revoke_another_clients_token(tokendealer: TokenDealer) -> None:
    """The token must have been issued to the revoking client; the session survives."""
    session = await tokendealer.start_session("dashboard", "runner-1", {"runner"})

    response = await tokendealer.http.post(
        "/oauth/revoke", data={"token": session.refresh_token or ""}, headers=basic("runs")
    )

    assert response.status_code == 400
    assert response.json()["error"]["code"] == "unauthorized_client"
    assert await _refresh(tokendealer, session.refresh_token or "") == 200


async def test_revocation_needs_client_authentication(tokendealer: TokenDealer) -> None:
    """An anonymous revocation request is invalid_client, and a missing token invalid_request."""
    anonymous = await tokendealer.http.post("/oauth/revoke", data={"token": "x"})
    no_token = await tokendealer.http.post("/oauth/revoke", data={}, headers=basic("dashboard"))

    assert anonymous.status_code == 401
    assert anonymous.json()["error"]["code"] == "invalid_client"
    assert no_token.status_code == 400
    assert no_token.json()["error"]["code"] == "invalid_request"
