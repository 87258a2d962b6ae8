"""Rules of the key ring: when keys are made, start signing, retire and disappear.

Timeline of one key::

    created (pending) ──publish_ahead──▶ active ──rotation──▶ retired ──ttl+margin──▶ gone
         in the JWKS from here ........................................ until here

A new key is published ``publish_ahead`` before it signs, so that verifiers'
cached JWKS already hold it. A retired key stays published until every token
it signed has expired: the access-token lifetime, plus how long a replica may
go on signing with it before it reloads the ring, plus clock leeway.

Every replica runs :meth:`KeyRing.maintain` periodically; the work is done
under a key-ring lock, so replicas agree on one active key.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy.ext.asyncio import AsyncSession

from runnerly_kit.db import Database
from runnerly_kit.errors import ServiceUnavailable
from runnerly_kit.logs import get_logger
from runnerly_kit.settings import SettingsError
from runnerly_tokendealer.keys import crypto, repository
from runnerly_tokendealer.models import SigningKey
from runnerly_tokendealer.settings import TokenDealerSettings

CLOCK_LEEWAY = timedelta(seconds=60)
_log = get_logger("runnerly.tokendealer.keys")


@dataclass(frozen=True, slots=True)
class ActiveKey:
    """The key this process signs with."""

    kid: str
    private_key: Ed25519PrivateKey
    algorithm: str = crypto.ALGORITHM


class KeyRing:
    """The process's view of the key ring, and the rules that maintain it."""

    def __init__(self, settings: TokenDealerSettings) -> None:
        self._secret = settings.key_encryption_secret.get_secret_value().encode()
        self._secret_variable = settings.variable_name("key_encryption_secret")
        self._rotation = timedelta(seconds=settings.key_rotation_seconds)
        self._publish_ahead = timedelta(seconds=settings.key_publish_ahead_seconds)
        self._published_after_retirement = (
            timedelta(seconds=settings.access_token_ttl_seconds)
            + timedelta(seconds=settings.keyring_refresh_seconds)
            + CLOCK_LEEWAY
        )
        self._active: ActiveKey | None = None

    @property
    def signing_key(self) -> ActiveKey:
        """The key to sign with now."""
        if self._active is None:
            raise ServiceUnavailable("The key ring is not loaded yet.")
        return self._active

    async def maintain(self, db: Database, now: datetime) -> None:
        """Create, promote and drop keys as their time comes, then load the active key."""
        async with db.transaction() as session:
            await repository.lock_keyring(session)
            await self._ensure_keys(session, now)
        await self.reload(db)

    async def rotate(self, db: Database, now: datetime) -> str:
        """Rotate now (an operator's request): the pending key starts signing."""
        async with db.transaction() as session:
            await repository.lock_keyring(session)
            await self._ensure_keys(session, now)
            await self._promote_pending(session, now)
            self._add_pending(session, now)
        await self.reload(db)
        return self.signing_key.kid

    async def reload(self, db: Database) -> None:
        """Load the active key (after this or another replica changed the ring)."""
        async with db.transaction(write=False) as session:
            key = await repository.active_key(session)
        if key is None:
            raise ServiceUnavailable("The key ring has no active key.")
        if self._active is None or self._active.kid != key.kid:
            try:
                private_key = crypto.decrypt(key.private_key, self._secret)
            except ValueError:
                raise SettingsError(
                    f"{self._secret_variable} does not decrypt the signing keys in the "
                    "database: set the secret they were encrypted with"
                ) from None
            self._active = ActiveKey(key.kid, private_key)
            _log.info("signing_key_loaded", kid=key.kid)

    async def jwks(self, session: AsyncSession, now: datetime) -> dict[str, Any]:
        """The RFC 7517 key set: every key a verifier may meet."""
        keys = await repository.published_keys(session, now)
        return {"keys": [key.public_jwk for key in keys]}

    async def _ensure_keys(self, session: AsyncSession, now: datetime) -> None:
        await repository.delete_unpublished(session, now)
        keys = await repository.all_keys(session)
        active = next((k for k in keys if k.activated_at and not k.retired_at), None)
        pending = [k for k in keys if k.activated_at is None]
        if active is None:
            # First start: nobody can hold a token yet, so the first key signs at once.
            self._add_active(session, now)
        elif active.activated_at and now - active.activated_at >= self._rotation:
            ready = [k for k in pending if now - k.created_at >= self._publish_ahead]
            if ready:
                self._retire(active, now)
                ready[0].activated_at = now
                _log.info("signing_key_rotated", retired=active.kid, active=ready[0].kid)
                pending.remove(ready[0])
        if not pending:
            self._add_pending(session, now)

    async def _promote_pending(self, session: AsyncSession, now: datetime) -> None:
        keys = await repository.all_keys(session)
        pending = next((k for k in keys if k.activated_at is None), None)
        active = next((k for k in keys if k.activated_at and not k.retired_at), None)
        if pending is None or active is None:
            raise ServiceUnavailable("The key ring is incomplete; try again.")
        self._retire(active, now)
        pending.activated_at = now
        await session.flush()
        _log.info("signing_key_rotated", retired=active.kid, active=pending.kid, forced=True)

    def _retire(self, key: SigningKey, now: datetime) -> None:
        key.retired_at = now
        key.unpublish_at = now + self._published_after_retirement

    def _add_active(self, session: AsyncSession, now: datetime) -> None:
        key = self._new_key(now)
        key.activated_at = now
        repository.add_key(session, key)

    def _add_pending(self, session: AsyncSession, now: datetime) -> None:
        repository.add_key(session, self._new_key(now))

    def _new_key(self, now: datetime) -> SigningKey:
        private_key = crypto.new_private_key()
        kid = crypto.new_kid()
        return SigningKey(
            kid=kid,
            algorithm=crypto.ALGORITHM,
            private_key=crypto.encrypt(private_key, self._secret),
            public_jwk=crypto.public_jwk(private_key, kid),
            created_at=now,
        )
