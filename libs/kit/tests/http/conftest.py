"""Real servers on loopback for the HTTP client's tests: a scriptable peer and a token endpoint.

Fixtures hand out library types, plain containers and factories, so that test
modules need no import from here (pytest's importlib mode cannot import a conftest).
"""

from __future__ import annotations

import asyncio
import base64
from collections import Counter
from collections.abc import AsyncIterator, Callable
from typing import Any
from urllib.parse import unquote_plus

import pytest
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from runnerly_kit.http import ServiceClient, ServiceTokenProvider
from runnerly_kit.testing.servers import serve

CLIENT_ID = "runs"
# Characters that plain HTTP Basic would mangle: RFC 6749 §2.3.1 form-encodes them first.
CLIENT_SECRET = "runs-secret:with/odd+chars%"
_METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]


@pytest.fixture
def hits() -> Counter[str]:
    """How many requests reached each path of the peer (and the token endpoint)."""
    return Counter()


@pytest.fixture
def script() -> dict[str, list[int]]:
    """Statuses ``/script/{name}`` answers, in order; 200 once the list is used up."""
    return {}


@pytest.fixture
def issued() -> list[str]:
    """Access tokens the token endpoint issued, oldest first."""
    return []


@pytest.fixture
def revoked() -> set[str]:
    """Tokens the peer no longer accepts on ``/protected``."""
    return set()


@pytest.fixture
def token_options() -> dict[str, float]:
    """How the token endpoint behaves: token lifetime and a delay before it answers."""
    return {"expires_in": 300, "delay": 0.0}


@pytest.fixture
def token_requests() -> list[dict[str, str]]:
    """What each request to the token endpoint carried (credentials decoded, form fields)."""
    return []


_INVALID_TOKEN = 'Bearer error="invalid_token", error_description="revoked"'


@pytest.fixture
async def peer_url(
    hits: Counter[str], script: dict[str, list[int]], issued: list[str], revoked: set[str]
) -> AsyncIterator[str]:
    """A peer service whose answers each test scripts; it counts every request."""

    async def status(request: Request) -> Response:
        return Response(status_code=request.path_params["code"])

    async def scripted(request: Request) -> Response:
        statuses = script.get(request.path_params["name"], [])
        return Response(status_code=statuses.pop(0) if statuses else 200)

    async def throttled(request: Request) -> Response:
        if hits[request.url.path] == 1:
            return Response(status_code=429, headers={"Retry-After": request.path_params["after"]})
        return Response(status_code=200)

    async def slow(request: Request) -> Response:
        await asyncio.sleep(request.path_params["seconds"])
        return Response(status_code=200)

    async def echo(request: Request) -> JSONResponse:
        return JSONResponse(dict(request.headers))

    async def protected(request: Request) -> Response:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() != "bearer" or not token:
            return Response(status_code=401, headers={"WWW-Authenticate": "Bearer"})
        if token not in issued or token in revoked:
            return Response(status_code=401, headers={"WWW-Authenticate": _INVALID_TOKEN})
        return JSONResponse({"token": token})

    async def refusing(_request: Request) -> Response:
        return Response(status_code=401, headers={"WWW-Authenticate": _INVALID_TOKEN})

    def counted(endpoint: Callable[[Request], Any]) -> Callable[[Request], Any]:
        async def handler(request: Request) -> Response:
            hits[request.url.path] += 1
            response: Response = await endpoint(request)
            return response

        return handler

    routes = [
        Route("/status/{code:int}", counted(status), methods=_METHODS),
        Route("/script/{name}", counted(scripted), methods=_METHODS),
        Route("/throttled/{after}", counted(throttled), methods=_METHODS),
        Route("/slow/{seconds:float}", counted(slow), methods=_METHODS),
        Route("/echo", counted(echo), methods=_METHODS),
        Route("/protected", counted(protected), methods=_METHODS),
        Route("/refusing", counted(refusing), methods=_METHODS),
    ]
    async with serve(Starlette(routes=routes)) as url:
        yield url


@pytest.fixture
async def tokendealer_url(
    hits: Counter[str],
    issued: list[str],
    token_options: dict[str, float],
    token_requests: list[dict[str, str]],
) -> AsyncIterator[str]:
    """A token endpoint speaking the client-credentials grant for one client."""

    async def token(request: Request) -> JSONResponse:
        hits["/oauth/token"] += 1
        scheme, _, encoded = request.headers.get("authorization", "").partition(" ")
        client_id, _, secret = base64.b64decode(encoded).decode().partition(":")
        client_id, secret = unquote_plus(client_id), unquote_plus(secret)
        form = await request.form()
        grant_type, scope = str(form.get("grant_type", "")), str(form.get("scope", ""))
        token_requests.append({"client_id": client_id, "grant_type": grant_type, "scope": scope})
        if scheme.lower() != "basic" or (client_id, secret) != (CLIENT_ID, CLIENT_SECRET):
            return JSONResponse({"error": "invalid_client"}, status_code=401)
        if grant_type != "client_credentials":
            return JSONResponse({"error": "unsupported_grant_type"}, status_code=400)
        await asyncio.sleep(token_options["delay"])
        issued.append(f"tok-{len(issued) + 1}")
        body = {
            "access_token": issued[-1],
            "token_type": "Bearer",
            "expires_in": token_options["expires_in"],
            "scope": scope,
        }
        return JSONResponse(body, headers={"Cache-Control": "no-store"})

    app = Starlette(routes=[Route("/oauth/token", token, methods=["POST"])])
    async with serve(app) as url:
        yield url


@pytest.fixture
async def make_provider(tokendealer_url: str) -> AsyncIterator[Callable[..., ServiceTokenProvider]]:
    """Token providers for the test client (closed after the test); kwargs override options."""
    providers: list[ServiceTokenProvider] = []

    def make(**options: Any) -> ServiceTokenProvider:
        settings: dict[str, Any] = {
            "client_id": CLIENT_ID,
            "client_secret": CLIENT_SECRET,
            "scopes": ("users:read",),
            **options,
        }
        provider = ServiceTokenProvider(f"{tokendealer_url}/oauth/token", **settings)
        providers.append(provider)
        return provider

    yield make
    for provider in providers:
        await provider.aclose()


@pytest.fixture
async def make_client() -> AsyncIterator[Callable[..., ServiceClient]]:
    """Service clients with quick backoff (closed after the test); kwargs override options."""
    clients: list[ServiceClient] = []

    def make(**options: Any) -> ServiceClient:
        settings: dict[str, Any] = {
            "timeout": 30.0,  # a bound on failure; the timeout tests set their own
            "retries": 3,
            "token_provider": None,
            "backoff_initial_seconds": 0.01,
            "backoff_max_seconds": 0.05,
            **options,
        }
        client = ServiceClient(**settings)
        clients.append(client)
        return client

    yield make
    for client in clients:
        await client.aclose()
