"""Fixtures for the kit's core tests: a plain FastAPI app wired the way the kit wires a service.

The plain app has the kit's error handlers, request middleware, operations
routes and a runtime holding a real database, but none of the clients that
``create_app`` adds (HTTP, token verifier, broker), so the core can be tested
on its own.
"""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator, Callable
from typing import Any, cast

import pytest
from fastapi import APIRouter, FastAPI
from prometheus_client import CollectorRegistry

from runnerly_kit.db import Database
from runnerly_kit.health import router as operations_router
from runnerly_kit.http_errors import install_error_handlers
from runnerly_kit.logs import configure_logging
from runnerly_kit.metrics import HttpMetrics
from runnerly_kit.middleware import RequestContextMiddleware
from runnerly_kit.runtime import Runtime
from runnerly_kit.settings import ServiceSettings

MakeApp = Callable[..., FastAPI]


@pytest.fixture(autouse=True)
def _json_logs() -> None:
    """Route every log record through the kit's JSON pipeline, as a running service does."""
    configure_logging(service="kit-core-tests", json=True)


@pytest.fixture(scope="session")
def make_app() -> MakeApp:
    """Build a plain app: ``make_app(router, ..., database_url=...)``.

    Without a database URL the app gets an in-memory SQLite database, which
    costs nothing unless a request uses it.
    """

    def build(*routers: APIRouter, database_url: str = "", database_schema: str = "") -> FastAPI:
        url = database_url or "sqlite+aiosqlite:///:memory:"
        registry = CollectorRegistry()

        @contextlib.asynccontextmanager
        async def lifespan(app: FastAPI) -> AsyncIterator[None]:
            db = Database(url, schema=database_schema or None)
            # The HTTP client and token verifier are not used by the core; the
            # app factory's tests cover them.
            app.state.runtime = Runtime(
                settings=ServiceSettings(),
                registry=registry,
                db=db,
                http=cast(Any, None),
                verifier=cast(Any, None),
            )
            try:
                yield
            finally:
                await db.dispose()

        app = FastAPI(lifespan=lifespan)
        install_error_handlers(app)
        app.add_middleware(RequestContextMiddleware, metrics=HttpMetrics(registry))
        app.include_router(operations_router)
        for router in routers:
            app.include_router(router)
        return app

    return build
