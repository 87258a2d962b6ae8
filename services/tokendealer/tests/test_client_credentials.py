"""The client_credentials grant, checked with an independent JWT library (joserfc)."""

from __future__ import annotations

import time

import pytest
from joserfc import jwt as jose_jwt
from joserfc.jwk import KeySet

from .support import TokenDealer

# RFC 9864 deprecates the polymorphic "EdDSA" name in favour of "Ed25519";
# PyJWT, which signs our tokens, does not know the new name yet.
pytestmark = pytest.mark.filterwarnings("ignore::joserfc.errors.SecurityWarning")


async def _verify_independently(tokendealer: TokenDealer, token: str) -> dict[str, object]:
    jwks = (await tokendealer.http.get("/.well-known/jwks.json")).json()
    decoded = jose_jwt.decode(token, KeySet.import_key_set(jwks), algorithms=["EdDSA", "Ed25519"])
    return dict(decoded.claims) | {"_header": decoded.header}


async def test_a_service_token_verifies_against_the_published_jwks(
    tokendealer: TokenDealer,
) -> None:
    """A client_credentials token carries the required claims and verifies with joserfc."""
    response = await tokendealer.token("runs", {"grant_type": "client_credentials"})

    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert body["token_type"] == "Bearer"
    assert "refresh_token" not in body  # RFC 6749 §4.4.3
    assert set(body["scope"].split()) == {"users:read", "runs:write"}
    claims = await _verify_independently(tokendealer, body["access_token"])
    header = claims.pop("_header")
    assert isinstance(header, dict)
    assert header["alg"] == "EdDSA"
    assert header["kid"]
    assert claims["iss"] == tokendealer.settings.token_issuer
    assert claims["aud"] == tokendealer.settings.token_audience
    assert claims["sub"] == "runs"
    assert claims["client_id"] == "runs"
    assert claims["jti"]
    assert isinstance(claims["exp"], int)
    assert isinstance(claims["iat"], int)
    assert claims["nbf"] == claims["iat"]
    assert 0 < claims["exp"] - claims["iat"] <= 15 * 60
    assert claims["exp"] > time.time()


async def test_a_client_can_narrow_its_scopes(tokendealer: TokenDealer) -> None:
    """Asking for a subset of the allowed scopes gets exactly that subset."""
    response = await tokendealer.token(
        "runs", {"grant_type": "client_credentials", "scope": "users:read"}
    )

    assert response.status_code == 200
    assert response.json()["scope"] == "users:read"


async def test_client_secret_post_is_accepted(tokendealer: TokenDealer) -> None:
    """Credentials in the form body (client_secret_post) work as well as HTTP Basic."""
    from .support import SECRETS

    response = await tokendealer.http.post(
        "/oauth/token",
        data={
            "grant_type": "client_credentials",
            "client_id": "runs",
            "client_secret": SECRETS["runs"],
        },
    )

    assert response.status_code == 200


async def test_each_token_has_its_own_id(tokendealer: TokenDealer) -> None:
    """Two tokens issued in the same second still differ (jti)."""
    first = await tokendealer.token("runs", {"grant_type": "client_credentials"})
    second = await tokendealer.token("runs", {"grant_type": "client_credentials"})

    assert first.json()["access_token"] != second.json()["access_token"]
