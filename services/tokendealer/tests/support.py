"""Helpers of the token dealer's tests: clients, settings, a handle on a running token dealer."""

from __future__ import annotations

import base64
from collections.abc import Mapping

import httpx

from runnerly_kit.columns import utcnow
from runnerly_kit.migrations import migrate_service
from runnerly_kit.testing.plugin import TestDatabase
from runnerly_kit.testing.stack import ServiceStack
from runnerly_tokendealer.dependencies import keyring_of
from runnerly_tokendealer.manifest import MANIFEST
from runnerly_tokendealer.settings import ClientConfig, TokenDealerSettings, hash_client_secret
from runnerly_tokendealer.tokens.service import GrantContext, IssuedTokens, issue_token_pair

SECRETS = {
    "runs": "runs-secret-4f1c2a9b7e6d5c3a",
    "dashboard": "dashboard-secret-9a8b7c6d5e4f",
    "operator": "operator-secret-1a2b3c4d5e6f7a",
}


def clients() -> tuple[ClientConfig, ...]:
    """The clients every test token dealer knows."""
    return (
        ClientConfig(
            client_id="runs",
            secret_hash=hash_client_secret(SECRETS["runs"]),
            scopes=frozenset({"users:read", "runs:write"}),
        ),
        ClientConfig(
            client_id="dashboard",
            secret_hash=hash_client_secret(SECRETS["dashboard"]),
            scopes=frozenset({"runner"}),
        ),
        ClientConfig(
            client_id="operator",
            secret_hash=hash_client_secret(SECRETS["operator"]),
            scopes=frozenset({"tokendealer:keys.rotate", "export"}),
            grant_types=frozenset({"client_credentials"}),
        ),
    )


def basic(client_id: str, secret: str | None = None) -> dict[str, str]:
    """An HTTP Basic Authorization header for a client."""
    raw = f"{client_id}:{secret if secret is not None else SECRETS[client_id]}".encode()
    return {"Authorization": "Basic " + base64.b64encode(raw).decode()}


def own_settings() -> dict[str, object]:
    """The token dealer's own settings in tests (the kit's stack sets the database, broker...)."""
    return {
        "clients": clients(),
        "key_encryption_secret": "test-key-encryption-secret-0123456789",
    }


def make_settings(
    database: TestDatabase, nats_url: str, port: int, **overrides: object
) -> TokenDealerSettings:
    """Settings of a token dealer on a test database and broker, for a test serving it by hand."""
    values: dict[str, object] = {
        "environment": "test",
        "port": port,
        "database_url": database.url,
        "database_schema": database.schema,
        "nats_url": nats_url,
        "client_secret": "unused-own-client-secret-0123",
        "log_json": True,
        **own_settings(),
        **overrides,
    }
    return TokenDealerSettings(**values)  # type: ignore[arg-type]


class TokenDealer(ServiceStack[TokenDealerSettings]):
    """A running token dealer and an HTTP client on it."""

    async def token(
        self, client_id: str, form: Mapping[str, str], secret: str | None = None
    ) -> httpx.Response:
        """POST /oauth/token as a client (HTTP Basic)."""
        return await self.http.post(
            "/oauth/token", data=dict(form), headers=basic(client_id, secret)
        )

    async def start_session(self, client_id: str, subject: str, scopes: set[str]) -> IssuedTokens:
        """A login session as the password grant will start one: access + refresh token."""
        client = self.settings.client(client_id)
        assert client is not None
        async with self.runtime.db.transaction() as session:
            context = GrantContext(
                session, self.runtime, keyring_of(self.runtime), self.settings, utcnow()
            )
            return issue_token_pair(
                context, subject=subject, client=client, scopes=frozenset(scopes)
            )


async def migrate(database: TestDatabase) -> None:
    """Apply the token dealer's migrations to a test database."""
    await migrate_service(MANIFEST.migrations_dir, database.url, schema=database.schema or None)
