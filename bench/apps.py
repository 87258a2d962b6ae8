"""The apps the benchmark serves beside the real services.

``bare``: plain FastAPI, no middleware, no auth, returning the same bodies as
the real endpoints. ``authed``: an app built by the kit's factory (middleware,
metrics, logs, error handling) whose route needs a JWKS-verified bearer token.
Both are started by uvicorn with the same settings as the real service.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import ClassVar

from fastapi import FastAPI, Request, Response
from fastapi.routing import APIRouter
from pydantic_settings import SettingsConfigDict

from runnerly_kit.app import ServiceDefinition, create_app
from runnerly_kit.auth import CurrentClaims
from runnerly_kit.settings import ServiceSettings

#: Same shape and size as a real client_credentials answer (a 300-byte JWT).
TOKEN_BODY: dict[str, object] = {
    "access_token": "x" * 300,
    "token_type": "Bearer",
    "expires_in": 900,
    "scope": "runs:write users:read",
}
WHOAMI_BODY: dict[str, object] = {"subject": "bench", "scopes": ["runs:write", "users:read"]}


def bare() -> FastAPI:
    """Plain FastAPI: the ceiling an endpoint of ours is measured against."""
    app = FastAPI()

    @app.post("/oauth/token")
    async def token(request: Request) -> dict[str, object]:
        await request.body()
        return TOKEN_BODY

    @app.get("/v1/whoami")
    async def whoami() -> dict[str, object]:
        return WHOAMI_BODY

    return app


class BenchSettings(ServiceSettings):
    """Settings of the authenticated bench app (``BENCH_`` variables)."""

    model_config = SettingsConfigDict(env_prefix="BENCH_")
    service_name: ClassVar[str] = "bench"


router = APIRouter()


@router.get("/v1/whoami")
async def whoami(claims: CurrentClaims) -> dict[str, object]:
    return {"subject": claims.subject, "scopes": sorted(claims.scopes)}


@router.get("/v1/anonymous")
async def anonymous() -> dict[str, object]:
    """The same body with no token: what the kit costs before any auth."""
    return WHOAMI_BODY


def authed() -> FastAPI:
    """A kit app whose one route verifies the caller's token against the JWKS."""
    return create_app(
        BenchSettings(),
        ServiceDefinition(title="bench", version="0", routers=[router], uses_broker=False),
    )


def bare_last_runs() -> FastAPI:
    """Plain FastAPI answering the real "last 10 runs" body (read from ``BENCH_BODY_FILE``)."""
    body = Path(os.environ["BENCH_BODY_FILE"]).read_bytes()
    app = FastAPI()

    @app.get("/v1/runs/last")
    async def last_runs() -> Response:
        return Response(body, media_type="application/json")

    return app


def bare_body() -> FastAPI:
    """Plain FastAPI answering ``BENCH_BODY_FILE``'s bytes at ``BENCH_PATH`` (any real body)."""
    body = Path(os.environ["BENCH_BODY_FILE"]).read_bytes()
    app = FastAPI()

    @app.get(os.environ["BENCH_PATH"])
    async def answer() -> Response:
        return Response(body, media_type="application/json")

    return app
