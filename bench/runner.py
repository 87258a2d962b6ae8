"""A runner the benchmarks act as: a real token dealer process and that runner's access token.

The runs benchmarks call runs as a signed-in runner would, so the token
verification they measure is the real one (EdDSA, JWKS). Without a users
service to log in through, the token is signed with the running token
dealer's own key ring, read from its database, exactly as the password grant
would sign it.
"""

from __future__ import annotations

import asyncio
import secrets
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

from bench.harness import uvicorn_server
from runnerly_kit.columns import utcnow
from runnerly_kit.db import Database
from runnerly_kit.migrations import migrate_service
from runnerly_runs.manifest import MANIFEST as RUNS
from runnerly_tokendealer.keys.service import KeyRing
from runnerly_tokendealer.manifest import MANIFEST as TOKENDEALER
from runnerly_tokendealer.settings import TokenDealerSettings
from runnerly_tokendealer.tokens.access import sign_access_token

RUNNER = str(uuid.UUID(int=1))


@contextmanager
def tokendealer_with_runner(data: Path, nats_url: str) -> Iterator[tuple[str, str]]:
    """Serve a token dealer (its own SQLite under ``data``); yield its URL and RUNNER's token."""
    env = {
        "TOKENDEALER_DATABASE_URL": f"sqlite+aiosqlite:///{data / 'tokendealer.db'}",
        "TOKENDEALER_NATS_URL": nats_url,
        "TOKENDEALER_KEY_ENCRYPTION_SECRET": secrets.token_urlsafe(32),
    }
    asyncio.run(migrate_service(TOKENDEALER.migrations_dir, env["TOKENDEALER_DATABASE_URL"]))
    with uvicorn_server(TOKENDEALER.app_factory, env=env) as url:
        yield url, asyncio.run(_runner_token(env))


def runs_environment(
    database_url: str, nats_url: str, tokendealer_url: str, **overrides: str
) -> dict[str, str]:
    """The environment of a runs service process of the benchmarks."""
    return {
        "RUNS_DATABASE_URL": database_url,
        "RUNS_NATS_URL": nats_url,
        "RUNS_TOKENDEALER_URL": tokendealer_url,
        "RUNS_LOG_LEVEL": "INFO",
        **overrides,
    }


def migrate_runs(database_url: str) -> None:
    asyncio.run(migrate_service(RUNS.migrations_dir, database_url))


async def _runner_token(tokendealer_env: dict[str, str]) -> str:
    settings = TokenDealerSettings(
        database_url=tokendealer_env["TOKENDEALER_DATABASE_URL"],
        key_encryption_secret=tokendealer_env["TOKENDEALER_KEY_ENCRYPTION_SECRET"],
    )
    db = Database(settings.database_url)
    try:
        keyring = KeyRing(settings)
        await keyring.reload(db)
    finally:
        await db.dispose()
    return sign_access_token(
        keyring.signing_key,
        issuer=settings.token_issuer,
        audience=settings.token_audience,
        subject=RUNNER,
        client_id="dashboard",
        scopes=["runner"],
        now=utcnow(),
        ttl=timedelta(hours=2),
    )
