"""The token dealer's app: ``uvicorn --factory runnerly_tokendealer.main:create_app``."""

from __future__ import annotations

import asyncio

from fastapi import FastAPI

from runnerly_kit.app import Hook, ServiceDefinition
from runnerly_kit.app import create_app as create_service_app
from runnerly_kit.columns import utcnow
from runnerly_kit.logs import get_logger
from runnerly_kit.runtime import Runtime
from runnerly_tokendealer import __version__
from runnerly_tokendealer.dependencies import keyring_of, settings_of
from runnerly_tokendealer.export.endpoints import router as export_router
from runnerly_tokendealer.keys.endpoints import router as keys_router
from runnerly_tokendealer.keys.service import KeyRing
from runnerly_tokendealer.logins.service import CHECK_SCOPE, PasswordGrant
from runnerly_tokendealer.logins.throttle import Clock
from runnerly_tokendealer.purge import purge_handlers
from runnerly_tokendealer.settings import TokenDealerSettings
from runnerly_tokendealer.tokens.endpoints import router as tokens_router
from runnerly_tokendealer.tokens.service import (
    ClientCredentialsGrant,
    RefreshTokenGrant,
    TokenService,
)

_log = get_logger("runnerly.tokendealer")


def _load_keyring(clock: Clock) -> Hook:
    async def load(runtime: Runtime) -> None:
        keyring = KeyRing(settings_of(runtime))
        await keyring.maintain(runtime.db, utcnow())
        runtime.components.add(keyring)
        runtime.components.add(
            TokenService([ClientCredentialsGrant(), RefreshTokenGrant(), PasswordGrant(clock)])
        )

    return load


async def _maintain_keyring(runtime: Runtime) -> None:
    """Rotate when due and pick up rotations made by other replicas."""
    interval = settings_of(runtime).keyring_refresh_seconds
    while True:
        await asyncio.sleep(interval)
        try:
            await keyring_of(runtime).maintain(runtime.db, utcnow())
        except Exception:  # a failed round is retried on the next one
            _log.exception("keyring_maintenance_failed")


def create_app(settings: TokenDealerSettings | None = None, *, clock: Clock = utcnow) -> FastAPI:
    """Build the token dealer (settings from the environment unless given).

    ``clock`` times login throttling; tests give one they move by hand.
    """
    return create_service_app(
        settings or TokenDealerSettings(),
        ServiceDefinition(
            title="Runnerly token dealer",
            version=__version__,
            description=(
                "OAuth2 token endpoint, JWKS with key rotation, revocation, and the "
                "runner's data export (their login sessions)."
            ),
            routers=[tokens_router, keys_router, export_router],
            consumers=[purge_handlers],
            on_startup=[_load_keyring(clock)],
            workers=[_maintain_keyring],
            client_scopes=[CHECK_SCOPE],
            # It signs with its own keys: readiness need not wait for a JWKS.
            needs_token_keys=False,
        ),
    )
