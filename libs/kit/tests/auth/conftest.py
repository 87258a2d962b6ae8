"""A local JWKS server (standing in for the tokendealer's) and the keys that sign test tokens.

Fixtures hand out plain callables and library types, so that test modules need
no import from here (pytest's importlib mode cannot import a conftest).
"""

from __future__ import annotations

import time
import uuid
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from pathlib import Path
from typing import Any

import httpx
import jwt
import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519, rsa
from fastapi import APIRouter
from jwt.algorithms import OKPAlgorithm, RSAAlgorithm
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from runnerly_kit.app import ServiceDefinition, create_app
from runnerly_kit.auth import TokenVerifier
from runnerly_kit.settings import ServiceSettings
from runnerly_kit.testing.servers import serve

ISSUER = "runnerly-tokendealer"
AUDIENCE = "runnerly"
DEFAULT_KID = "key-1"

PrivateKey = ed25519.Ed25519PrivateKey | rsa.RSAPrivateKey


def public_jwk(private: PrivateKey, kid: str) -> dict[str, Any]:
    """The JWK the tokendealer would publish for ``private``."""
    public = private.public_key()
    if isinstance(public, ed25519.Ed25519PublicKey):
        return {
            **OKPAlgorithm.to_jwk(public, as_dict=True),
            "kid": kid,
            "alg": "EdDSA",
            "use": "sig",
        }
    return {**RSAAlgorithm.to_jwk(public, as_dict=True), "kid": kid, "alg": "RS256", "use": "sig"}


def sign(private: PrivateKey, kid: str, **overrides: Any) -> str:
    """A token with every required claim; ``overrides`` change a claim, or drop it with None."""
    now = int(time.time())
    claims: dict[str, Any] = {
        "iss": ISSUER,
        "aud": AUDIENCE,
        "sub": "runner-1",
        "scope": "runner",
        "iat": now,
        "exp": now + 300,
        "jti": uuid.uuid4().hex,
    }
    claims.update(overrides)
    claims = {name: value for name, value in claims.items() if value is not None}
    alg = "EdDSA" if isinstance(private, ed25519.Ed25519PrivateKey) else "RS256"
    return jwt.encode(claims, private, algorithm=alg, headers={"kid": kid})


@pytest.fixture(scope="session")
def signing_key() -> ed25519.Ed25519PrivateKey:
    """The Ed25519 key published as ``DEFAULT_KID``."""
    return ed25519.Ed25519PrivateKey.generate()


@pytest.fixture(scope="session")
def rsa_key() -> rsa.RSAPrivateKey:
    """An RSA key (made once: generating one takes a while)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture
def issue(signing_key: ed25519.Ed25519PrivateKey) -> Callable[..., str]:
    """Sign a token with the published key: ``issue(sub="runner-2", scope="runs:read")``."""
    return lambda **claims: sign(signing_key, DEFAULT_KID, **claims)


@pytest.fixture
def sign_with() -> Callable[..., str]:
    """Sign with any key: ``sign_with(private_key, kid, **claims)``."""
    return sign


@pytest.fixture
def published(signing_key: ed25519.Ed25519PrivateKey) -> list[dict[str, Any]]:
    """The JWKs the server publishes; a test appends or removes keys to rotate them."""
    return [public_jwk(signing_key, DEFAULT_KID)]


@pytest.fixture
def jwk_of() -> Callable[[PrivateKey, str], dict[str, Any]]:
    """The public JWK of a private key: ``jwk_of(private_key, kid)``."""
    return public_jwk


@pytest.fixture
def jwks_fetches() -> list[float]:
    """When the JWKS server was asked for the keys (one entry per request)."""
    return []


@pytest.fixture
async def jwks_url(
    published: list[dict[str, Any]], jwks_fetches: list[float]
) -> AsyncIterator[str]:
    """A real JWKS server on loopback serving ``published``; yields its JWKS URL."""

    async def jwks(_request: Request) -> JSONResponse:
        jwks_fetches.append(time.monotonic())
        return JSONResponse({"keys": published})

    app = Starlette(routes=[Route("/.well-known/jwks.json", jwks)])
    async with serve(app) as base_url:
        yield f"{base_url}/.well-known/jwks.json"


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    """The HTTP client the verifier fetches the JWKS with."""
    async with httpx.AsyncClient(timeout=2.0) as client:
        yield client


@pytest.fixture
def make_verifier(jwks_url: str, http: httpx.AsyncClient) -> Callable[..., TokenVerifier]:
    """A verifier of the test issuer and audience; keyword arguments override its options."""

    def make(**options: Any) -> TokenVerifier:
        settings: dict[str, Any] = {
            "issuer": ISSUER,
            "audience": AUDIENCE,
            "algorithms": ("EdDSA",),
            # Tests that check the rate limit set it; the others refetch at once.
            "jwks_min_refetch_seconds": 0.0,
            **options,
        }
        return TokenVerifier(settings.pop("jwks_url", jwks_url), http=http, **settings)

    return make


@pytest.fixture
def verifier(make_verifier: Callable[..., TokenVerifier]) -> TokenVerifier:
    """A verifier with the default options."""
    return make_verifier()


@pytest.fixture
def serve_router(
    jwks_url: str, tmp_path: Path
) -> Callable[[APIRouter, str], AbstractAsyncContextManager[httpx.AsyncClient]]:
    """Serve one router in a kit-built service (no broker) that verifies tokens against the
    test JWKS; ``async with serve_router(router, title) as http`` gives a client of it."""

    @asynccontextmanager
    async def served(router: APIRouter, title: str) -> AsyncIterator[httpx.AsyncClient]:
        settings = ServiceSettings(
            jwks_url=jwks_url,
            database_url=f"sqlite+aiosqlite:///{tmp_path / f'{title}.db'}",
            log_json=False,
        )
        definition = ServiceDefinition(
            title=title, version="1", routers=[router], uses_broker=False
        )
        async with (
            serve(create_app(settings, definition)) as url,
            httpx.AsyncClient(base_url=url) as http,
        ):
            yield http

    return served
