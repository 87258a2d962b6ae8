"""``GET /v1/runners/{runner_id}/export`` and its GPX files: runs' part of "Download my data"."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from runnerly_kit.export import (
    EXPORT_PATH,
    EXPORT_ROUTE,
    NO_STORE,
    ExportedRunner,
    RunnerExport,
)
from runnerly_runs.dependencies import ReadContextDep
from runnerly_runs.export import service
from runnerly_runs.export.gpx import MEDIA_TYPE
from runnerly_runs.export.schemas import RunsExport

router = APIRouter(tags=["export"])


@router.get(EXPORT_PATH, **EXPORT_ROUTE, response_model=RunnerExport[RunsExport])
async def export_runner_data(
    runner_id: ExportedRunner, context: ReadContextDep
) -> RunnerExport[RunsExport]:
    data, files = await service.export(context, runner_id)
    return RunnerExport.of("runs", runner_id, data, files, exported_at=context.now)


@router.get(
    f"{EXPORT_PATH}/runs/{{run_id}}/gpx",
    response_class=Response,
    summary="One run's track as GPX, regenerated from its recording (a file of the export).",
    responses={
        200: {"content": {MEDIA_TYPE: {"schema": {"type": "string"}}}},
        404: {"description": "No such run of this runner, or it has no recorded route."},
    },
)
async def export_run_track(
    runner_id: ExportedRunner, run_id: uuid.UUID, context: ReadContextDep
) -> Response:
    name, content = await service.track(context, runner_id, str(run_id))
    headers = {**NO_STORE, "Content-Disposition": f'attachment; filename="{name}"'}
    return Response(content, media_type=MEDIA_TYPE, headers=headers)
