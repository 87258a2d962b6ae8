"""``/healthz`` (the process is alive), ``/readyz`` (it can do its work) and ``/metrics``."""

from __future__ import annotations

import asyncio
from typing import Any

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

from runnerly_kit.runtime import RuntimeDep

READINESS_TIMEOUT_SECONDS = 2.0

router = APIRouter(tags=["operations"])


@router.get("/healthz", operation_id="healthz", summary="The process is alive.")
async def healthz() -> dict[str, str]:
    return {"status": "ok"}


@router.get(
    "/readyz",
    operation_id="readyz",
    summary="The database and the broker are reachable.",
    responses={503: {"description": "A dependency is unreachable."}},
)
async def readyz(runtime: RuntimeDep) -> JSONResponse:
    checks: dict[str, Any] = {"database": runtime.db.ping()}
    if runtime.broker is not None:
        checks["broker"] = runtime.broker.ping()
    results = {name: await _check(probe) for name, probe in checks.items()}
    ready = all(result == "ok" for result in results.values())
    body = {"status": "ready" if ready else "unavailable", "checks": results}
    return JSONResponse(body, status_code=200 if ready else 503)


async def _check(probe: Any) -> str:
    try:
        await asyncio.wait_for(probe, READINESS_TIMEOUT_SECONDS)
    except Exception as exc:  # any failure means "not ready"; the reason is reported
        return f"unavailable: {type(exc).__name__}"
    return "ok"


@router.get("/metrics", operation_id="metrics", include_in_schema=False)
async def metrics(runtime: RuntimeDep) -> Response:
    return Response(generate_latest(runtime.registry), media_type=CONTENT_TYPE_LATEST)
