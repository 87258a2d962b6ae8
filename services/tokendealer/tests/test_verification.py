"""The kit's verifier refuses every forged, stale or misdirected token."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from runnerly_kit.auth import TokenVerifier
from runnerly_kit.errors import Unauthenticated
from runnerly_tokendealer.dependencies import keyring_of

from .support import TokenDealer


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _claims(tokendealer: TokenDealer, **overrides: Any) -> dict[str, Any]:
    now = int(time.time())
    claims = {
        "iss": tokendealer.settings.token_issuer,
        "aud": tokendealer.settings.token_audience,
        "sub": "runner-1",
        "scope": "runner",
        "iat": now,
        "nbf": now,
        "exp": now + 600,
        "jti": "test-jti",
    }
    claims.update(overrides)
    return claims


def _signed(tokendealer: TokenDealer, **overrides: Any) -> str:
    key = keyring_of(tokendealer.runtime).signing_key
    return jwt.encode(
        _claims(tokendealer, **overrides),
        key.private_key,
        algorithm="EdDSA",
        headers={"kid": key.kid},
    )


def _expired(td: TokenDealer) -> str:
    return _signed(
        td, iat=int(time.time()) - 3600, nbf=int(time.time()) - 3600, exp=int(time.time()) - 600
    )


def _other_audience(td: TokenDealer) -> str:
    return _signed(td, aud="someone-else")


def _other_issuer(td: TokenDealer) -> str:
    return _signed(td, iss="https://evil.example")


def _not_yet_valid(td: TokenDealer) -> str:
    return _signed(td, nbf=int(time.time()) + 3600)


def _alg_none(td: TokenDealer) -> str:
    header = {"alg": "none", "typ": "JWT", "kid": keyring_of(td.runtime).signing_key.kid}
    return f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(_claims(td)).encode())}."


def _hs256_with_public_key(td: TokenDealer) -> str:
    # The classic key-confusion attack: HMAC keyed with the verifier's public key.
    key = keyring_of(td.runtime).signing_key
    public_pem = key.private_key.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )
    header = _b64(json.dumps({"alg": "HS256", "typ": "JWT", "kid": key.kid}).encode())
    payload = _b64(json.dumps(_claims(td)).encode())
    signature = hmac.new(public_pem, f"{header}.{payload}".encode(), hashlib.sha256).digest()
    return f"{header}.{payload}.{_b64(signature)}"


def _tampered_payload(td: TokenDealer) -> str:
    header, _payload, signature = _signed(td).split(".")
    forged = _b64(json.dumps(_claims(td, sub="someone-else")).encode())
    return f"{header}.{forged}.{signature}"


def _tampered_signature(td: TokenDealer) -> str:
    header, payload, signature = _signed(td).split(".")
    flipped = signature[:-2] + ("A" if signature[-2] != "A" else "B") + signature[-1]
    return f"{header}.{payload}.{flipped}"


def _unknown_kid(td: TokenDealer) -> str:
    return jwt.encode(
        _claims(td), Ed25519PrivateKey.generate(), algorithm="EdDSA", headers={"kid": "unknown"}
    )


def _right_kid_wrong_key(td: TokenDealer) -> str:
    kid = keyring_of(td.runtime).signing_key.kid
    return jwt.encode(
        _claims(td), Ed25519PrivateKey.generate(), algorithm="EdDSA", headers={"kid": kid}
    )


FORGERIES: dict[str, Callable[[TokenDealer], str]] = {
    "expired": _expired,
    "other-audience": _other_audience,
    "other-issuer": _other_issuer,
    "not-yet-valid": _not_yet_valid,
    "alg-none": _alg_none,
    "hs256-with-public-key": _hs256_with_public_key,
    "tampered-payload": _tampered_payload,
    "tampered-signature": _tampered_signature,
    "unknown-kid": _unknown_kid,
    "right-kid-wrong-key": _right_kid_wrong_key,
}


@pytest.mark.parametrize("forge", FORGERIES.values(), ids=FORGERIES.keys())
async def test_the_kit_rejects_bad_tokens(
    tokendealer: TokenDealer, forge: Callable[[TokenDealer], str]
) -> None:
    """Each forged or stale token is refused by the kit's verifier with 401 unauthenticated."""
    async with httpx.AsyncClient() as http:
        verifier = TokenVerifier(
            f"{tokendealer.url}/.well-known/jwks.json",
            issuer=tokendealer.settings.token_issuer,
            audience=tokendealer.settings.token_audience,
            algorithms=["EdDSA"],
            http=http,
        )
        assert (await verifier.verify(_signed(tokendealer))).subject == "runner-1"  # control

        with pytest.raises(Unauthenticated) as refused:
            await verifier.verify(forge(tokendealer))

    assert refused.value.status_code == 401


async def test_a_forged_token_is_refused_over_http(tokendealer: TokenDealer) -> None:
    """Through a real route: a forged bearer token gets the 401 JSON envelope."""
    response = await tokendealer.http.post(
        "/v1/keys/rotate", headers={"Authorization": f"Bearer {_alg_none(tokendealer)}"}
    )

    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"
