"""``/healthz`` (the process is alive), ``/readyz`` (it can serve) and ``/metrics``.

Ready means a request can be served: the database answers a query that reads
its pages, and the token keys are loaded (or the service needs none). The
broker is not part of readiness: while it is away, writes still succeed
through the outbox, and an unready service would turn a broker outage into a
full outage behind a load balancer. Its state shows in ``/healthz`` and in the
``broker_connected`` and ``outbox_lag_seconds`` metrics instead.
"""

from __future__ import annotations

import asyncio
import sqlite3
import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from runnerly_kit.errors import RunnerlyError
from runnerly_kit.runtime import Runtime, RuntimeDep

if TYPE_CHECKING:
    from runnerly_kit.auth import TokenVerifier
    from runnerly_kit.db import Database

READINESS_TIMEOUT_SECONDS = 2.0
#: How long one readiness verdict is reused, so that a storm of probes costs one check.
READINESS_CACHE_SECONDS = 1.0
OK = "ok"
NOT_NEEDED = "not_needed"

router = APIRouter(tags=["operations"])


class Readiness:
    """The readiness checks of one service, each run at most once per cache period."""

    def __init__(
        self,
        db: Database,
        verifier: TokenVerifier | None,
        *,
        cache_seconds: float = READINESS_CACHE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._db = db
        self._verifier = verifier
        self._cache_seconds = cache_seconds
        self._clock = clock
        self._verdict: dict[str, str] | None = None
        self._checked_at = 0.0
        self._lock = asyncio.Lock()

    async def checks(self) -> dict[str, str]:
        """``{"database": ..., "keys": ...}``: ``ok``, ``not_needed`` or ``unavailable: ...``."""
        async with self._lock:  # concurrent probes wait for one check instead of each running it
            if self._verdict is None or self._clock() - self._checked_at >= self._cache_seconds:
                keys = self._verifier.ready if self._verifier is not None else None
                database, keys_verdict = await asyncio.gather(
                    _check(self._db.ping), _check(keys) if keys else _not_needed()
                )
                self._verdict = {"database": database, "keys": keys_verdict}
                self._checked_at = self._clock()
            return self._verdict


async def _not_needed() -> str:
    return NOT_NEEDED


async def _check(probe: Callable[[], Awaitable[None]]) -> str:
    try:
        async with asyncio.timeout(READINESS_TIMEOUT_SECONDS):
            await probe()
    except Exception as exc:  # any failure means "not ready"; the reason is reported
        return f"unavailable: {_reason(exc)}"
    return OK


def _reason(exc: BaseException) -> str:
    # Reasons are for operators but still a response body: our own messages and
    # SQLite's (which name no host or port), otherwise only the error's type.
    if isinstance(exc, RunnerlyError):
        return exc.message
    if isinstance(exc, TimeoutError):
        return f"no answer within {READINESS_TIMEOUT_SECONDS:g} s"
    original = getattr(exc, "orig", None)
    if isinstance(original, sqlite3.Error):
        return f"{type(original).__name__}: {original}"
    if type(exc).__module__.startswith("runnerly_kit"):
        return f"{type(exc).__name__}: {exc}"
    return type(exc).__name__


def readiness_of(request: Request, runtime: Runtime) -> Readiness:
    """The app's :class:`Readiness` (created by the app factory; a plain app gets one here)."""
    readiness: Readiness | None = getattr(request.app.state, "readiness", None)
    if readiness is None:
        readiness = request.app.state.readiness = Readiness(runtime.db, None)
    return readiness


@router.get("/healthz", operation_id="healthz", summary="The process is alive.")
async def healthz(runtime: RuntimeDep) -> dict[str, Any]:
    broker, relay = runtime.broker, runtime.relay
    details: dict[str, Any] = {
        "broker": "not_used" if broker is None else _connection(broker.is_connected),
        "outbox_pending": relay.pending if relay is not None else None,
        "outbox_lag_seconds": round(relay.lag_seconds(), 3) if relay is not None else None,
    }
    return {"status": "ok", "details": details}


def _connection(connected: bool) -> str:
    return "connected" if connected else "disconnected"


@router.get(
    "/readyz",
    operation_id="readyz",
    summary="The service can serve: its database answers and its token keys are loaded.",
    responses={503: {"description": "A check failed, or the service is shutting down."}},
)
async def readyz(request: Request, runtime: RuntimeDep) -> JSONResponse:
    checks = dict(await readiness_of(request, runtime).checks())
    shutdown = getattr(request.app.state, "shutdown", None)
    if shutdown is not None and shutdown.draining:
        checks["shutdown"] = "unavailable: shutting down"
    ready = all(verdict in (OK, NOT_NEEDED) for verdict in checks.values())
    body = {"status": "ready" if ready else "unavailable", "checks": checks}
    return JSONResponse(body, status_code=200 if ready else 503)


@router.get("/metrics", operation_id="metrics", include_in_schema=False)
async def metrics(runtime: RuntimeDep) -> Response:
    return Response(generate_latest(runtime.registry), media_type=CONTENT_TYPE_LATEST)
