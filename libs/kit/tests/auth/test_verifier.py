"""TokenVerifier: local verification against a real JWKS server on loopback."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import hmac
import json
import time
from collections.abc import Callable
from typing import Any

import jwt
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from runnerly_kit.auth import Claims, TokenVerifier
from runnerly_kit.errors import ServiceUnavailable, Unauthenticated
from runnerly_kit.testing.clock import ManualClock
from runnerly_kit.testing.ports import free_port
from runnerly_kit.testing.servers import serve

Issue = Callable[..., str]
MakeVerifier = Callable[..., TokenVerifier]


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _segments(token: str) -> list[str]:
    return token.split(".")


def _payload(token: str) -> dict[str, Any]:
    payload: dict[str, Any] = jwt.decode(token, options={"verify_signature": False})
    return payload


def _forge(header: dict[str, Any], payload: dict[str, Any], key: bytes | None) -> str:
    """A token built by hand: unsigned, or HMAC-signed with ``key``."""
    signing_input = f"{_b64(json.dumps(header).encode())}.{_b64(json.dumps(payload).encode())}"
    signature = b"" if key is None else hmac.digest(key, signing_input.encode(), hashlib.sha256)
    return f"{signing_input}.{_b64(signature)}"


def _public_pem(private: ed25519.Ed25519PrivateKey) -> bytes:
    return private.public_key().public_bytes(
        serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
    )


def _bad_tokens(
    issue: Issue, signing_key: ed25519.Ed25519PrivateKey, rsa_key: rsa.RSAPrivateKey
) -> dict[str, str]:
    now = int(time.time())
    good = issue()
    header, payload, signature = _segments(good)
    other_subject = _b64(json.dumps({**_payload(good), "sub": "runner-2"}).encode())
    flipped = signature[:-4] + ("AAAA" if not signature.endswith("AAAA") else "BBBB")
    return {
        "expired": issue(iat=now - 400, exp=now - 60),
        "wrong audience": issue(aud="someone-else"),
        "wrong issuer": issue(iss="https://evil.example"),
        "not yet valid": issue(nbf=now + 600),
        "issued in the future": issue(iat=now + 600),
        **{
            f"no {claim}": issue(**{claim: None})
            for claim in ("iss", "aud", "sub", "exp", "iat", "jti")
        },
        "alg none": _forge({"alg": "none", "kid": "key-1"}, _payload(good), None),
        "HS256 keyed with the public key (PEM)": _forge(
            {"alg": "HS256", "kid": "key-1"}, _payload(good), _public_pem(signing_key)
        ),
        "HS256 keyed with the public key (raw)": _forge(
            {"alg": "HS256", "kid": "key-1"},
            _payload(good),
            signing_key.public_key().public_bytes_raw(),
        ),
        "tampered payload": f"{header}.{other_subject}.{signature}",
        "tampered signature": f"{header}.{payload}.{flipped}",
        "signed by another key under a published kid": jwt.encode(
            _payload(good), ed25519.Ed25519PrivateKey.generate(), "EdDSA", headers={"kid": "key-1"}
        ),
        "RS256 header naming an Ed25519 key": jwt.encode(
            _payload(good), rsa_key, "RS256", headers={"kid": "key-1"}
        ),
        "unknown kid": jwt.encode(
            _payload(good), ed25519.Ed25519PrivateKey.generate(), "EdDSA", headers={"kid": "nope"}
        ),
        "no kid": jwt.encode(_payload(good), signing_key, "EdDSA"),
        "not a JWT": "not-a-jwt",
        "too long": f"{good}{'A' * 10_000}",
    }


_BAD_TOKEN_CASES = [
    "expired",
    "wrong audience",
    "wrong issuer",
    "not yet valid",
    "issued in the future",
    *(f"no {claim}" for claim in ("iss", "aud", "sub", "exp", "iat", "jti")),
    "alg none",
    "HS256 keyed with the public key (PEM)",
    "HS256 keyed with the public key (raw)",
    "tampered payload",
    "tampered signature",
    "signed by another key under a published kid",
    "RS256 header naming an Ed25519 key",
    "unknown kid",
    "no kid",
    "not a JWT",
    "too long",
]


async def test_a_token_signed_by_a_published_key_verifies(
    verifier: TokenVerifier, issue: Issue
) -> None:
    """A well-formed token signed by a key of the JWKS gives its claims."""
    token = issue(sub="runner-7", scope="runner runs:read", client_id="dashboard", jti="t-1")
    claims = await verifier.verify(token)
    assert claims.subject == "runner-7"
    assert claims.scopes == frozenset({"runner", "runs:read"})
    assert claims.has_scope("runs:read")
    assert not claims.has_scope("runs:write")
    assert claims.client_id == "dashboard"
    assert claims.token_id == "t-1"
    assert claims.expires_at.timestamp() == _payload(token)["exp"]
    assert claims.expires_at.tzinfo is not None
    assert claims.raw["iss"] == "runnerly-tokendealer"


@pytest.mark.parametrize("case", _BAD_TOKEN_CASES)
async def test_bad_tokens_are_rejected(
    case: str,
    make_verifier: MakeVerifier,
    issue: Issue,
    signing_key: ed25519.Ed25519PrivateKey,
    rsa_key: rsa.RSAPrivateKey,
) -> None:
    """Forged, stale, misdirected or malformed tokens get a 401 with a Bearer challenge."""
    # RS256 is allowed too, so that only the key's own algorithm stops the RS256 forgery.
    verifier = make_verifier(algorithms=("EdDSA", "RS256"))
    token = _bad_tokens(issue, signing_key, rsa_key)[case]
    with pytest.raises(Unauthenticated) as caught:
        await verifier.verify(token)
    assert caught.value.status_code == 401
    assert caught.value.code == "invalid_token"
    assert caught.value.headers["WWW-Authenticate"].startswith('Bearer error="invalid_token"')


async def test_an_unknown_kid_is_looked_up_again_then_rejected(
    verifier: TokenVerifier, issue: Issue, sign_with: Issue, jwks_fetches: list[float]
) -> None:
    """A kid missing from the cached JWKS triggers one refetch; still missing, it is refused."""
    await verifier.verify(issue())
    assert len(jwks_fetches) == 1
    stranger = sign_with(ed25519.Ed25519PrivateKey.generate(), "key-unknown")
    with pytest.raises(Unauthenticated):
        await verifier.verify(stranger)
    assert len(jwks_fetches) == 2


async def test_a_key_published_later_is_picked_up_by_a_refetch(
    verifier: TokenVerifier,
    issue: Issue,
    sign_with: Issue,
    published: list[dict[str, Any]],
    jwk_of: Callable[..., dict[str, Any]],
) -> None:
    """After a key rotation, a token signed by the new key verifies without a restart."""
    await verifier.verify(issue())
    new_key = ed25519.Ed25519PrivateKey.generate()
    published.append(jwk_of(new_key, "key-2"))
    claims = await verifier.verify(sign_with(new_key, "key-2", sub="runner-9"))
    assert claims.subject == "runner-9"


async def test_unknown_kids_do_not_hammer_the_jwks_url(
    make_verifier: MakeVerifier, issue: Issue, sign_with: Issue, jwks_fetches: list[float]
) -> None:
    """Tokens with made-up kids cause at most one refetch per rate-limit period."""
    verifier = make_verifier(jwks_min_refetch_seconds=60)
    await verifier.verify(issue())
    stranger = ed25519.Ed25519PrivateKey.generate()
    for n in range(20):
        with pytest.raises(Unauthenticated):
            await verifier.verify(sign_with(stranger, f"made-up-{n}"))
    assert len(jwks_fetches) == 1


async def test_concurrent_first_verifications_share_one_jwks_fetch(
    verifier: TokenVerifier, issue: Issue, jwks_fetches: list[float]
) -> None:
    """Many requests arriving before the keys are known cause a single JWKS request."""
    tokens = [issue(sub=f"runner-{n}") for n in range(20)]
    claims = await asyncio.gather(*(verifier.verify(token) for token in tokens))
    assert [c.subject for c in claims] == [f"runner-{n}" for n in range(20)]
    assert len(jwks_fetches) == 1


async def test_a_verified_token_is_not_verified_again(
    verifier: TokenVerifier,
    issue: Issue,
    sign_with: Issue,
    published: list[dict[str, Any]],
    jwks_fetches: list[float],
) -> None:
    """A token seen before is answered from the cache, even once its key is gone from the JWKS."""
    seen = issue()
    first = await verifier.verify(seen)
    published.clear()  # the key is rotated away...
    with pytest.raises(Unauthenticated):  # ...and the verifier learns it (a refetch)
        await verifier.verify(sign_with(ed25519.Ed25519PrivateKey.generate(), "key-9"))
    assert len(jwks_fetches) == 2
    with pytest.raises(Unauthenticated):  # a token it never saw no longer verifies
        await verifier.verify(issue())
    again = await verifier.verify(seen)  # the one it saw is still known
    assert again is first


async def test_the_cache_does_not_outlive_the_token(
    make_verifier: MakeVerifier, issue: Issue
) -> None:
    """A cached token stops verifying once it expires."""
    clock = ManualClock(time.time())
    verifier = make_verifier(leeway_seconds=0, clock=clock)
    token = issue(exp=int(clock.now) + 60)
    assert isinstance(await verifier.verify(token), Claims)
    clock.advance(59)
    assert isinstance(await verifier.verify(token), Claims)  # from the cache, still valid
    clock.advance(1)
    with pytest.raises(Unauthenticated, match="expired"):
        await verifier.verify(token)


async def test_rs256_is_accepted_only_when_configured(
    make_verifier: MakeVerifier,
    sign_with: Issue,
    rsa_key: rsa.RSAPrivateKey,
    published: list[dict[str, Any]],
    jwk_of: Callable[..., dict[str, Any]],
) -> None:
    """An RS256 token verifies with RS256 on the allow-list, and is refused without it."""
    published.append(jwk_of(rsa_key, "rsa-1"))
    token = sign_with(rsa_key, "rsa-1", sub="runner-rsa")
    claims = await make_verifier(algorithms=("EdDSA", "RS256")).verify(token)
    assert claims.subject == "runner-rsa"
    with pytest.raises(Unauthenticated):
        await make_verifier(algorithms=("EdDSA",)).verify(token)


@pytest.mark.parametrize("algorithms", [("HS256",), ("EdDSA", "none"), ()])
def test_only_asymmetric_algorithms_can_be_allowed(
    make_verifier: MakeVerifier, algorithms: tuple[str, ...]
) -> None:
    """HMAC, 'none' or an empty allow-list is a configuration error, not a silent risk."""
    with pytest.raises(ValueError, match="asymmetric"):
        make_verifier(algorithms=algorithms)


async def test_known_keys_keep_working_while_the_jwks_is_unreachable(
    make_verifier: MakeVerifier, issue: Issue, published: list[dict[str, Any]]
) -> None:
    """When a refresh fails, the keys fetched before still verify tokens."""

    async def jwks(_request: Request) -> JSONResponse:
        return JSONResponse({"keys": published})

    app = Starlette(routes=[Route("/.well-known/jwks.json", jwks)])
    async with serve(app) as base_url:
        # A TTL of zero: every new token makes the verifier try to refresh the keys.
        verifier = make_verifier(jwks_url=f"{base_url}/.well-known/jwks.json", jwks_ttl_seconds=0)
        await verifier.verify(issue())
    claims = await verifier.verify(issue(sub="runner-offline"))
    assert claims.subject == "runner-offline"


async def test_no_keys_at_all_is_unavailable_not_unauthenticated(
    make_verifier: MakeVerifier, issue: Issue
) -> None:
    """Without any keys (JWKS unreachable) the answer is 503: the token may well be fine."""
    verifier = make_verifier(jwks_url=f"http://127.0.0.1:{free_port()}/.well-known/jwks.json")
    with pytest.raises(ServiceUnavailable) as caught:
        await verifier.verify(issue())
    assert caught.value.status_code == 503
