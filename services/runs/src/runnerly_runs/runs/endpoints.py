"""``/v1/runs``: a runner's runs — list, last N, one run, its series; add by hand, edit, delete."""

from __future__ import annotations

import uuid
from dataclasses import asdict
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import AwareDatetime

from runnerly_kit.auth import CurrentRunner
from runnerly_kit.runtime import get_runtime
from runnerly_runs.dependencies import ContextDep, ReadContextDep
from runnerly_runs.recording import Recording
from runnerly_runs.runs import service
from runnerly_runs.runs.schemas import (
    LastRuns,
    ManualRunIn,
    RunDetail,
    RunPage,
    RunPatch,
    SeriesOut,
)

router = APIRouter(tags=["runs"])
#: The dashboard's hottest read, served first (routes are tried in order).
last_runs_router = APIRouter(tags=["runs"])

_JSON = "application/json"


@last_runs_router.get(
    "/v1/runs/last",
    response_model=LastRuns,
    summary="The runner's latest runs, newest first (the dashboard's 'last 10 runs').",
)
async def last_runs(
    request: Request,
    runner: CurrentRunner,
    limit: Annotated[int, Query(ge=1, le=50)] = 10,
) -> Response:
    # The dashboard's hottest read, kept lean (bench/RESULTS.md): no session
    # (one statement needs no transaction) but the quick read path; the
    # runtime straight from the request, not one more dependency level; and
    # listings stored serialised, so the body is assembled, not re-encoded.
    body = await service.last_listings_body(get_runtime(request).db, runner.id, limit)
    return Response(body, media_type=_JSON)


@router.get("/v1/runs", response_model=RunPage, summary="The runner's runs, newest first.")
async def list_runs(
    runner: CurrentRunner,
    context: ReadContextDep,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    started_after: Annotated[AwareDatetime | None, Query()] = None,
    started_before: Annotated[AwareDatetime | None, Query()] = None,
) -> RunPage:
    return await service.page(
        context,
        runner.id,
        limit=limit,
        cursor=cursor,
        started_after=started_after,
        started_before=started_before,
    )


@router.post(
    "/v1/runs",
    response_model=RunDetail,
    status_code=201,
    summary="Add a run by hand (no file, no watch).",
)
async def create_manual_run(
    body: ManualRunIn, runner: CurrentRunner, context: ContextDep
) -> RunDetail:
    recording = Recording(
        source="manual",
        # Each typed-in run is its own recording.
        source_id=str(uuid.uuid4()),
        title=body.title,
        description=body.description,
        sport="running",
        started_at=body.started_at,
        time_zone=body.time_zone,
        distance_m=body.distance_m,
        moving_time_s=body.moving_time_s,
        elapsed_time_s=body.elapsed_time_s or body.moving_time_s,
        elevation_gain_m=body.elevation_gain_m,
        average_heart_rate=body.average_heart_rate,
        max_heart_rate=body.max_heart_rate,
        average_cadence=body.average_cadence,
    )
    stored = await service.create(context, runner.id, recording)
    return await service.detail(context, stored)


@router.get("/v1/runs/{run_id}", response_model=RunDetail, summary="One run with its splits.")
async def get_run(run_id: uuid.UUID, runner: CurrentRunner, context: ReadContextDep) -> RunDetail:
    run = await service.owned_run(context, runner, str(run_id))
    return await service.detail(context, run)


@router.get(
    "/v1/runs/{run_id}/series",
    response_model=SeriesOut,
    summary="The run's full time series (for charts).",
)
async def get_series(
    run_id: uuid.UUID, runner: CurrentRunner, context: ReadContextDep
) -> SeriesOut:
    run = await service.owned_run(context, runner, str(run_id))
    return SeriesOut(**asdict(await service.series(context, run)))


@router.patch("/v1/runs/{run_id}", response_model=RunDetail, summary="Change a run's words.")
async def edit_run(
    run_id: uuid.UUID, body: RunPatch, runner: CurrentRunner, context: ContextDep
) -> RunDetail:
    run = await service.owned_run(context, runner, str(run_id))
    await service.edit(context, run, body)
    return await service.detail(context, run)


@router.delete("/v1/runs/{run_id}", status_code=204, summary="Delete a run.")
async def delete_run(run_id: uuid.UUID, runner: CurrentRunner, context: ContextDep) -> Response:
    run = await service.owned_run(context, runner, str(run_id))
    await service.remove(context, run)
    return Response(status_code=204)
