"""``POST /bff/v1/imports``: a multipart upload of activity files, streamed through to runs.

The body is counted as it arrives and refused with a 413 past
``max_upload_bytes`` (runs' own limit), whether or not ``Content-Length``
said so (the kit's :mod:`runnerly_kit.uploads`); each file is spooled to a
temporary file past 1 MiB, so an upload is never held whole in memory.
"""

from __future__ import annotations

from fastapi import APIRouter, Request

from runnerly_dashboard.dependencies import ContextDep
from runnerly_dashboard.imports import service
from runnerly_dashboard.imports.schemas import ImportResult, ImportResults
from runnerly_dashboard.sessions.service import GuardedCallerDep
from runnerly_kit.errors import PayloadTooLarge
from runnerly_kit.uploads import files_request_body, limited_form, uploaded_files

router = APIRouter(prefix="/bff/v1", tags=["imports"])

_UPLOAD_BODY = files_request_body("GPX, TCX or FIT files, or zips of them.")


def _too_large(limit: int) -> PayloadTooLarge:
    return PayloadTooLarge(
        f"The upload is larger than {limit / 2**20:g} MiB: send fewer files at a time.",
        code="upload_too_large",
        details={"limit_bytes": limit},
    )


@router.post(
    "/imports",
    response_model=ImportResults,
    response_model_exclude_none=True,
    summary="Import GPX, TCX or FIT files (or zips of them): a result per file.",
    openapi_extra={"requestBody": _UPLOAD_BODY},
    responses={413: {"description": "The upload is over the size limit."}},
)
async def import_files(
    request: Request, context: ContextDep, caller: GuardedCallerDep
) -> ImportResults:
    settings = context.settings
    form = await limited_form(
        request,
        limit=settings.max_upload_bytes,
        max_files=settings.max_files_per_upload,
        too_large=_too_large(settings.max_upload_bytes),
    )
    try:
        results: list[ImportResult] = []
        for upload in uploaded_files(form):
            results += await service.import_file(
                context,
                caller,
                upload.filename or "upload",
                upload.file,
                upload.content_type or "",
            )
    finally:
        await form.close()
    return ImportResults(results=results)
