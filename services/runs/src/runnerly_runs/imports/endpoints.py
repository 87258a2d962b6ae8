"""Runs arriving: ``POST /v1/runs/imports`` (a runner's files) and the strava service's upserts."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request, Response

from runnerly_kit.auth import Claims, CurrentRunner, require_scope
from runnerly_kit.errors import PayloadTooLarge
from runnerly_kit.runtime import RuntimeDep
from runnerly_kit.uploads import files_request_body, limited_form, uploaded_files
from runnerly_runs.dependencies import ContextDep, settings_of
from runnerly_runs.imports import service
from runnerly_runs.imports.schemas import ImportReport, StravaActivityIn, StravaUpsertResult

router = APIRouter(tags=["imports"])

#: The strava service's scope: it writes runners' Strava activities.
IMPORT_SCOPE = "runs:import"
StravaCaller = Annotated[Claims, Depends(require_scope(IMPORT_SCOPE))]
StravaId = Annotated[int, Path(ge=1, le=2**63 - 1, description="Strava's activity id.")]

_UPLOAD_BODY = files_request_body("GPX, TCX or FIT files, or zips of them.")


async def _uploaded_files(
    request: Request, limit: int, max_files: int
) -> list[service.UploadedFile]:
    """The request's files, refusing (413) a body larger than ``limit`` as it streams in."""
    too_large = PayloadTooLarge(_too_large(limit), code="upload_too_large")
    form = await limited_form(request, limit=limit, max_files=max_files, too_large=too_large)
    try:
        return [
            service.UploadedFile(item.filename or "upload", await item.read())
            for item in uploaded_files(form)
        ]
    finally:
        await form.close()


def _too_large(limit: int) -> str:
    return f"The upload is larger than {limit // 2**20} MiB."


@router.post(
    "/v1/runs/imports",
    response_model=ImportReport,
    status_code=201,
    summary="Import runs from GPX, TCX or FIT files (or zips of them).",
    openapi_extra={"requestBody": _UPLOAD_BODY},
    responses={
        200: {"description": "Every file was already imported or merged.", "model": ImportReport}
    },
)
async def import_files(
    request: Request,
    response: Response,
    runner: CurrentRunner,
    context: ContextDep,
    runtime: RuntimeDep,
) -> ImportReport:
    settings = settings_of(runtime)
    files = await _uploaded_files(request, settings.max_upload_bytes, settings.max_files_per_upload)
    report = await service.import_files(context, runner.id, files)
    if all(item.status != "created" for item in report.runs):
        response.status_code = 200
    return report


@router.put(
    "/v1/internal/runners/{runner_id}/strava-activities/{activity_id}",
    response_model=StravaUpsertResult,
    summary="Store or update a runner's Strava activity (the strava service).",
    responses={201: {"description": "A new run.", "model": StravaUpsertResult}},
)
async def upsert_strava_activity(
    runner_id: uuid.UUID,
    activity_id: StravaId,
    body: StravaActivityIn,
    response: Response,
    _caller: StravaCaller,
    context: ContextDep,
) -> StravaUpsertResult:
    result = await service.upsert_strava_activity(context, str(runner_id), activity_id, body)
    if result.status == "created":
        response.status_code = 201
    return result


@router.delete(
    "/v1/internal/runners/{runner_id}/strava-activities/{activity_id}",
    status_code=204,
    summary="Forget a runner's Strava activity (deleted at Strava, or no longer a run).",
)
async def forget_strava_activity(
    runner_id: uuid.UUID, activity_id: StravaId, _caller: StravaCaller, context: ContextDep
) -> Response:
    await service.forget_strava_activity(context, str(runner_id), activity_id)
    return Response(status_code=204)


@router.delete(
    "/v1/internal/runners/{runner_id}/strava-activities",
    status_code=204,
    summary="Forget all of a runner's Strava data (they disconnected Strava).",
)
async def forget_strava(
    runner_id: uuid.UUID, _caller: StravaCaller, context: ContextDep
) -> Response:
    await service.forget_strava(context, str(runner_id))
    return Response(status_code=204)
