"""Access tokens: short-lived JWTs (RFC 9068 profile) signed with the key ring's active key."""

from __future__ import annotations

import uuid
from collections.abc import Iterable
from datetime import datetime, timedelta

import jwt

from runnerly_tokendealer.keys.service import ActiveKey


def scope_string(scopes: Iterable[str]) -> str:
    """Scopes as RFC 6749 writes them: space-delimited, here sorted for stable tokens."""
    return " ".join(sorted(set(scopes)))


def sign_access_token(
    key: ActiveKey,
    *,
    issuer: str,
    audience: str,
    subject: str,
    client_id: str,
    scopes: Iterable[str],
    now: datetime,
    ttl: timedelta,
    session_id: str | None = None,
) -> str:
    """A signed token with ``iss aud sub exp iat nbf jti scope client_id`` (and ``sid``)."""
    issued = int(now.timestamp())
    claims: dict[str, object] = {
        "iss": issuer,
        "aud": audience,
        "sub": subject,
        "client_id": client_id,
        "scope": scope_string(scopes),
        "iat": issued,
        "nbf": issued,
        "exp": issued + int(ttl.total_seconds()),
        "jti": uuid.uuid4().hex,
    }
    if session_id is not None:
        claims["sid"] = session_id
    return jwt.encode(
        claims,
        key.private_key,
        algorithm=key.algorithm,
        headers={"kid": key.kid, "typ": "at+jwt"},
    )
