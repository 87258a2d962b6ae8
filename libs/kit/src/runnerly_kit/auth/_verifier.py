"""Access tokens verified locally against the tokendealer's JWKS, and remembered once verified."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from typing import Any

import httpx
import jwt
from cachetools import TLRUCache

from runnerly_kit.auth._claims import Claims
from runnerly_kit.auth._jwks import JwksCache, UnknownKeyError
from runnerly_kit.errors import Unauthenticated

#: Claims every access token must carry (ARCHITECTURE.md §4).
REQUIRED_CLAIMS = ("iss", "aud", "sub", "exp", "iat", "jti")
# Only asymmetric signatures: with an HMAC algorithm allowed, a public key could
# be used as a shared secret to forge tokens.
_ASYMMETRIC_ALGORITHMS = frozenset(
    {
        "EdDSA",
        "Ed25519",
        "RS256",
        "RS384",
        "RS512",
        "PS256",
        "PS384",
        "PS512",
        "ES256",
        "ES384",
        "ES512",
    }
)
# A bearer token longer than this is not one of ours; refuse it before parsing.
_MAX_TOKEN_LENGTH = 8192


def invalid_token(description: str) -> Unauthenticated:
    """The 401 for a bad bearer token, with its RFC 6750 §3 challenge."""
    return Unauthenticated(
        f"The access token is not valid: {description}.",
        code="invalid_token",
        headers={
            "WWW-Authenticate": f'Bearer error="invalid_token", error_description="{description}"'
        },
    )


class TokenVerifier:
    """Verifies access tokens locally: the signature by the JWKS, then the registered claims.

    ``iss``, ``aud``, ``sub``, ``exp``, ``iat`` and ``jti`` are required; ``exp``,
    ``nbf`` and ``iat`` are checked with a small leeway for clock skew.
    The header's ``alg`` must be on the allow-list *and* be the algorithm of the
    key its ``kid`` names. Verified tokens are remembered until they expire
    (at most ``cache_size`` of them), so a token seen before costs a dictionary
    lookup, not a signature check.
    """

    def __init__(
        self,
        jwks_url: str,
        *,
        issuer: str,
        audience: str,
        algorithms: Sequence[str],
        http: httpx.AsyncClient,
        jwks_ttl_seconds: float = 300,
        cache_size: int = 10_000,
        jwks_min_refetch_seconds: float = 5.0,
        leeway_seconds: float = 5.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        refused = set(algorithms) - _ASYMMETRIC_ALGORITHMS
        if refused or not algorithms:
            raise ValueError(
                f"token algorithms must be asymmetric signatures; refused: {sorted(refused)}"
            )
        self.issuer = issuer
        self.audience = audience
        self.algorithms = tuple(algorithms)
        self.leeway = leeway_seconds
        self.jwks = JwksCache(
            jwks_url,
            http=http,
            algorithms=self.algorithms,
            ttl_seconds=jwks_ttl_seconds,
            min_refetch_seconds=jwks_min_refetch_seconds,
        )
        # Wall-clock seconds, for expiry (tests move a clock of their own).
        self._clock = clock
        # Keyed by the token itself and kept until the token's own expiry.
        self._verified: TLRUCache[str, Claims] = TLRUCache(
            maxsize=cache_size, ttu=_until_expiry, timer=clock
        )

    async def ready(self) -> None:
        """Raise :class:`~runnerly_kit.errors.ServiceUnavailable` unless keys to verify with
        are loaded; fetches them if they are not."""
        await self.jwks.ensure_loaded()

    async def verify(self, token: str) -> Claims:
        """The token's claims; :class:`~runnerly_kit.errors.Unauthenticated` if it is not valid."""
        claims = self._verified.get(token)
        if claims is not None:
            return claims
        claims = await self._verify_signed(token)
        self._verified[token] = claims
        return claims

    async def _verify_signed(self, token: str) -> Claims:
        if len(token) > _MAX_TOKEN_LENGTH:
            raise invalid_token("too long")
        try:
            header = jwt.get_unverified_header(token)
        except jwt.PyJWTError:
            raise invalid_token("malformed") from None
        alg, kid = header.get("alg"), header.get("kid")
        if alg not in self.algorithms:
            raise invalid_token("algorithm not allowed")
        if not isinstance(kid, str):
            raise invalid_token("no key id")
        try:
            key = await self.jwks.key(kid)
        except UnknownKeyError:
            raise invalid_token("unknown key id") from None
        if key.algorithm_name != alg:
            raise invalid_token("algorithm does not match the key")
        try:
            payload: dict[str, Any] = jwt.decode(
                token,
                key,
                algorithms=[alg],
                issuer=self.issuer,
                audience=self.audience,
                leeway=self.leeway,
                # Expiry is checked below, against the verifier's own clock.
                options={
                    "require": list(REQUIRED_CLAIMS),
                    "strict_aud": False,
                    "verify_exp": False,
                },
            )
        except jwt.PyJWTError:
            raise invalid_token("signature or claims rejected") from None
        if not isinstance(payload.get("sub"), str) or not isinstance(payload.get("jti"), str):
            raise invalid_token("sub and jti must be strings")
        expires_at = payload["exp"]
        if isinstance(expires_at, bool) or not isinstance(expires_at, int | float):
            raise invalid_token("exp must be a number")
        if expires_at <= self._clock() - self.leeway:
            raise invalid_token("expired")
        return Claims.from_payload(payload)


def _until_expiry(_token: str, claims: Claims, _now: float) -> float:
    return claims.expires_at.timestamp()
