"""A real token dealer for other services' tests and the end-to-end tests.

Every service verifies tokens against the token dealer's JWKS, so its tests
need one running — the real one, not a fake. This starts it on a free port
with its own SQLite database and the clients a test names, and hands out
tokens the way production does: a service's through the client-credentials
grant over HTTP, a runner's signed by the key ring exactly as the password
grant signs it (without needing a users service).
"""

from __future__ import annotations

import base64
import contextlib
import functools
import hashlib
from collections.abc import AsyncIterator, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from fastapi import FastAPI

from runnerly_kit.columns import utcnow
from runnerly_kit.runtime import Runtime
from runnerly_kit.testing.plugin import TestDatabase
from runnerly_kit.testing.stack import ServiceStack
from runnerly_tokendealer.dependencies import keyring_of
from runnerly_tokendealer.main import create_app
from runnerly_tokendealer.manifest import MANIFEST
from runnerly_tokendealer.settings import ClientConfig, TokenDealerSettings, hash_client_secret
from runnerly_tokendealer.tokens.access import sign_access_token

_CLIENT_CREDENTIALS = frozenset({"client_credentials", "refresh_token"})


class ManualClock:
    """The token dealer's throttle clock, moved by the test (never by the machine's speed).

    It starts at the real time and stands still until :meth:`advance` moves it;
    ``step`` moves it by itself on every reading, like time passing between two
    readings of one request.
    """

    def __init__(self, start: datetime | None = None, *, step: timedelta = timedelta(0)) -> None:
        self.now = start or utcnow()
        self.step = step

    def __call__(self) -> datetime:
        now = self.now
        self.now += self.step
        return now

    def advance(self, seconds: float) -> None:
        """Move the clock forward."""
        self.now += timedelta(seconds=seconds)


@dataclass(frozen=True)
class Client:
    """An OAuth2 client the test token dealer knows, with its secret in clear."""

    client_id: str
    scopes: frozenset[str] = frozenset()
    grant_types: frozenset[str] = _CLIENT_CREDENTIALS
    secret: str = ""

    @property
    def password(self) -> str:
        """The client's secret: a stable one derived from its id unless given.

        Random-looking, not a readable phrase: settings outside development
        refuse a secret with too little entropy, and test settings are checked
        as production's are.
        """
        if self.secret:
            return self.secret
        digest = hashlib.sha256(f"runnerly test client {self.client_id}".encode()).digest()
        return base64.urlsafe_b64encode(digest).decode().rstrip("=")

    def config(self) -> ClientConfig:
        """How the token dealer is configured for it (hash only)."""
        return ClientConfig(
            client_id=self.client_id,
            secret_hash=hash_client_secret(self.password),
            scopes=self.scopes,
            grant_types=self.grant_types,
        )


@dataclass
class LocalTokenDealer:
    """A running token dealer: where it is, and tokens from it."""

    url: str
    settings: TokenDealerSettings
    app: FastAPI
    clients: dict[str, Client] = field(default_factory=dict)

    @property
    def jwks_url(self) -> str:
        return f"{self.url}/.well-known/jwks.json"

    async def service_token(self, client_id: str) -> str:
        """A service's access token, from the client-credentials grant over HTTP."""
        client = self.clients[client_id]
        async with httpx.AsyncClient(base_url=self.url) as http:
            response = await http.post(
                "/oauth/token",
                data={"grant_type": "client_credentials"},
                auth=(client.client_id, client.password),
            )
        response.raise_for_status()
        token: str = response.json()["access_token"]
        return token

    def runner_token(self, subject: str, scopes: Iterable[str] = ("runner",)) -> str:
        """A runner's access token, signed by the key ring as the password grant signs it."""
        runtime: Runtime = self.app.state.runtime
        return sign_access_token(
            keyring_of(runtime).signing_key,
            issuer=self.settings.token_issuer,
            audience=self.settings.token_audience,
            subject=subject,
            client_id="dashboard",
            scopes=scopes,
            now=utcnow(),
            ttl=timedelta(minutes=10),
        )


@contextlib.asynccontextmanager
async def running_tokendealer(
    data_dir: Path, nats_url: str, clients: Sequence[Client], **settings: Any
) -> AsyncIterator[LocalTokenDealer]:
    """Migrate a token dealer's own SQLite database under ``data_dir`` and serve it.

    A ``clock`` setting is the throttle's clock (see :class:`ManualClock`).
    """
    clock = settings.pop("clock", utcnow)
    database = TestDatabase("sqlite", f"sqlite+aiosqlite:///{data_dir / 'tokendealer.db'}")
    port = settings.pop("port", None)
    values: dict[str, Any] = {
        "clients": tuple(client.config() for client in clients),
        "key_encryption_secret": "test-key-encryption-secret-0123456789",
        **settings,
    }
    async with ServiceStack.start(
        functools.partial(create_app, clock=clock),
        TokenDealerSettings,
        MANIFEST,
        database=database,
        nats_url=nats_url,
        settings=values,
        port=port,
        watch_events=None,
    ) as stack:
        yield LocalTokenDealer(
            stack.url, stack.settings, stack.app, {c.client_id: c for c in clients}
        )
