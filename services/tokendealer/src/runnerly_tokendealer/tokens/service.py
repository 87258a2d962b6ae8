"""The grants of the token endpoint, and refresh-token rotation.

A grant is one object with a ``grant_type`` and an ``issue`` method; the
endpoint looks it up by name. Adding the ``password`` grant (which asks the
``users`` service to check a login) means adding one more object to the list
given to :class:`TokenService`.

Refresh tokens rotate: each use spends the token and returns a new one of the
same *family* (one login session). A spent token presented again means two
parties hold it, so the whole family is revoked (OAuth 2.0 Security BCP §4.14).

Whenever a session ends, ``tokendealer.session.revoked.v1`` is recorded in the
same transaction (the outbox), so every service refuses the session's access
tokens within seconds instead of at their expiry.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from runnerly_contracts.tokendealer import SessionRevoked
from runnerly_kit.auth import TokenVerifier
from runnerly_kit.errors import Unauthenticated
from runnerly_kit.events import record_event
from runnerly_kit.runtime import Runtime
from runnerly_tokendealer.keys.service import KeyRing
from runnerly_tokendealer.models import RefreshToken, RefreshTokenFamily
from runnerly_tokendealer.settings import ClientConfig, TokenDealerSettings
from runnerly_tokendealer.tokens import repository
from runnerly_tokendealer.tokens.access import scope_string, sign_access_token
from runnerly_tokendealer.tokens.errors import (
    invalid_grant,
    invalid_request,
    invalid_scope,
    unauthorized_client,
    unsupported_grant_type,
)

#: The ``source`` of the events the token dealer publishes.
SOURCE = "tokendealer"


@dataclass(frozen=True, slots=True)
class IssuedTokens:
    """What a successful token request returns (RFC 6749 §5.1)."""

    access_token: str
    expires_in: int
    scope: str
    refresh_token: str | None = None


@dataclass(frozen=True, slots=True)
class GrantContext:
    """What a grant may use: the request's transaction and the service's runtime."""

    session: AsyncSession
    runtime: Runtime
    keyring: KeyRing
    settings: TokenDealerSettings
    now: datetime
    #: The runner's address (for login throttling), not a proxy's.
    client_address: str = ""


class Grant(Protocol):
    """One OAuth2 grant type."""

    grant_type: str

    async def issue(
        self, context: GrantContext, client: ClientConfig, params: Mapping[str, str]
    ) -> IssuedTokens: ...


def hash_refresh_token(token: str) -> str:
    """Refresh tokens are kept only as their SHA-256 (they are long random values)."""
    return hashlib.sha256(token.encode()).hexdigest()


def requested_scopes(params: Mapping[str, str]) -> frozenset[str]:
    """The ``scope`` parameter as a set."""
    return frozenset(params.get("scope", "").split())


def access_token_for(
    context: GrantContext,
    *,
    subject: str,
    client: ClientConfig,
    scopes: frozenset[str],
    session_id: str | None = None,
) -> IssuedTokens:
    """Sign an access token (no refresh token)."""
    settings = context.settings
    ttl = timedelta(seconds=settings.access_token_ttl_seconds)
    token = sign_access_token(
        context.keyring.signing_key,
        issuer=settings.token_issuer,
        audience=settings.token_audience,
        subject=subject,
        client_id=client.client_id,
        scopes=scopes,
        now=context.now,
        ttl=ttl,
        session_id=session_id,
    )
    return IssuedTokens(token, int(ttl.total_seconds()), scope_string(scopes))


def issue_token_pair(
    context: GrantContext, *, subject: str, client: ClientConfig, scopes: frozenset[str]
) -> IssuedTokens:
    """Start a login session: an access token and the first refresh token of a new family."""
    family = RefreshTokenFamily(
        id=str(uuid.uuid4()),
        client_id=client.client_id,
        subject=subject,
        scope=scope_string(scopes),
        created_at=context.now,
    )
    repository.add_family(context.session, family)
    refresh = _new_refresh_token(context, family.id)
    access = access_token_for(
        context, subject=subject, client=client, scopes=scopes, session_id=family.id
    )
    return IssuedTokens(access.access_token, access.expires_in, access.scope, refresh)


def _new_refresh_token(context: GrantContext, family_id: str) -> str:
    value = secrets.token_urlsafe(32)
    ttl = timedelta(seconds=context.settings.refresh_token_ttl_seconds)
    repository.add_token(
        context.session,
        RefreshToken(
            token_hash=hash_refresh_token(value),
            family_id=family_id,
            issued_at=context.now,
            expires_at=context.now + ttl,
        ),
    )
    return value


class ClientCredentialsGrant:
    """RFC 6749 §4.4: a service asks for a token in its own name. No refresh token."""

    grant_type = "client_credentials"

    async def issue(
        self, context: GrantContext, client: ClientConfig, params: Mapping[str, str]
    ) -> IssuedTokens:
        asked = requested_scopes(params)
        if asked - client.scopes:
            unknown = " ".join(sorted(asked - client.scopes))
            raise invalid_scope(f"The client may not ask for: {unknown}.")
        scopes = asked or client.scopes
        return access_token_for(context, subject=client.client_id, client=client, scopes=scopes)


class RefreshTokenGrant:
    """RFC 6749 §6 with rotation and reuse detection."""

    grant_type = "refresh_token"

    async def issue(
        self, context: GrantContext, client: ClientConfig, params: Mapping[str, str]
    ) -> IssuedTokens:
        value = params.get("refresh_token")
        if not value:
            raise invalid_request("The refresh_token parameter is required.")
        found = await repository.find_token(context.session, hash_refresh_token(value))
        refused = invalid_grant("The refresh token is invalid, expired or revoked.")
        if found is None:
            raise refused
        token, family = found
        if family.client_id != client.client_id or family.revoked_at is not None:
            raise refused
        if token.expires_at <= context.now:
            raise refused
        if not await repository.mark_used(context.session, token.token_hash, context.now):
            await end_session(context.session, family, context.now, "reuse")
            # Keep the revocation although the request is refused.
            refused.keep_changes = True
            raise refused
        granted = frozenset(family.scope.split())
        asked = requested_scopes(params)
        if asked - granted:
            raise invalid_scope("A refreshed token cannot gain scopes.")
        scopes = asked or granted
        refresh = _new_refresh_token(context, family.id)
        access = access_token_for(
            context, subject=family.subject, client=client, scopes=scopes, session_id=family.id
        )
        return IssuedTokens(access.access_token, access.expires_in, access.scope, refresh)


class TokenService:
    """Dispatches a token request to its grant."""

    def __init__(self, grants: Sequence[Grant]) -> None:
        self._grants = {grant.grant_type: grant for grant in grants}

    async def issue(
        self, context: GrantContext, client: ClientConfig, params: Mapping[str, str]
    ) -> IssuedTokens:
        grant_type = params.get("grant_type")
        if not grant_type:
            raise invalid_request("The grant_type parameter is required.")
        grant = self._grants.get(grant_type)
        if grant is None:
            raise unsupported_grant_type(grant_type)
        if grant_type not in client.grant_types:
            raise unauthorized_client(f"This client may not use the {grant_type} grant.")
        return await grant.issue(context, client, params)


async def revoke(
    session: AsyncSession,
    verifier: TokenVerifier,
    client: ClientConfig,
    token: str,
    now: datetime,
) -> None:
    """RFC 7009: revoke a refresh token, or the login session of an access token.

    The token's type is found out whatever the hint says (§2.1 allows it).
    A refresh token ends its whole family. An access token is self-contained
    and lives 15 minutes at most; revoking it ends the login session it came
    from (its ``sid``), so it cannot be refreshed. An unknown, invalid or
    already revoked token is not an error (§2.2).
    """
    found = await repository.find_token(session, hash_refresh_token(token))
    if found is not None:
        family = found[1]
        if family.client_id != client.client_id:
            raise unauthorized_client("The token was not issued to this client.")
        await end_session(session, family, now, "revoked")
        return
    try:
        claims = await verifier.verify(token)
    except Unauthenticated:
        return
    if claims.client_id != client.client_id:
        raise unauthorized_client("The token was not issued to this client.")
    session_id = claims.raw.get("sid")
    if isinstance(session_id, str) and await repository.revoke_family(
        session, session_id, now, "revoked"
    ):
        _session_revoked(session, claims.subject, session_id)


async def end_session(
    session: AsyncSession, family: RefreshTokenFamily, now: datetime, reason: str
) -> None:
    """End one login session and tell every service, unless it had ended already."""
    if await repository.revoke_family(session, family.id, now, reason):
        _session_revoked(session, family.subject, family.id)


async def revoke_runner_sessions(
    session: AsyncSession, runner_id: str, now: datetime, *, keep: str | None = None
) -> int:
    """End every login session of a runner (password reset or change, deactivation) but
    ``keep``, telling every service; returns how many were open."""
    ended = await repository.revoke_subject(session, runner_id, now, "runner", keep)
    for family_id in ended:
        _session_revoked(session, runner_id, family_id)
    return len(ended)


def _session_revoked(session: AsyncSession, runner_id: str, family_id: str) -> None:
    # In the revocation's transaction: the event exists if and only if it commits.
    record_event(
        session,
        SessionRevoked(user_id=runner_id, session_id=family_id),
        source=SOURCE,
        subject=runner_id,
    )


@dataclass(frozen=True, slots=True)
class LoginSession:
    """One login session of a runner as they may see it: never a token or its hash."""

    id: str
    client_id: str
    scopes: list[str]
    created_at: datetime
    #: When one of its refresh tokens was last exchanged (None: never refreshed).
    last_used_at: datetime | None
    #: When its newest refresh token stops working, unless revoked first.
    expires_at: datetime | None
    refresh_tokens_issued: int
    revoked_at: datetime | None
    revoked_reason: str | None


async def sessions_of(session: AsyncSession, runner_id: str) -> list[LoginSession]:
    """Every login session the token dealer keeps for a runner (their data export)."""
    return [
        LoginSession(
            id=family.id,
            client_id=family.client_id,
            scopes=family.scope.split(),
            created_at=family.created_at,
            last_used_at=last_used_at,
            expires_at=expires_at,
            refresh_tokens_issued=issued,
            revoked_at=family.revoked_at,
            revoked_reason=family.revoked_reason,
        )
        for family, issued, last_used_at, expires_at in await repository.families_of(
            session, runner_id
        )
    ]


async def forget_runner(session: AsyncSession, runner_id: str) -> None:
    """Delete everything the token dealer holds about a runner."""
    await repository.delete_subject(session, runner_id)
