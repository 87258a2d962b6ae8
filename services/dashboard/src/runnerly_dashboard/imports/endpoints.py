"""``POST /bff/v1/imports``: a multipart upload of activity files, streamed through to runs.

The body is counted as it arrives and refused with a 413 past
``max_upload_bytes`` (runs' own limit), whether or not ``Content-Length``
said so; Starlette spools each file to a temporary file past 1 MiB, so an
upload is never held whole in memory.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from starlette.datastructures import UploadFile
from starlette.types import Message

from runnerly_dashboard.dependencies import ContextDep
from runnerly_dashboard.imports import service
from runnerly_dashboard.imports.schemas import ImportResult, ImportResults
from runnerly_dashboard.sessions.service import GuardedCallerDep
from runnerly_kit.errors import InvalidInput, PayloadTooLarge

router = APIRouter(prefix="/bff/v1", tags=["imports"])

_UPLOAD_BODY = {
    "content": {
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "required": ["files"],
                "properties": {
                    "files": {
                        "type": "array",
                        "items": {"type": "string", "format": "binary"},
                        "description": "GPX, TCX or FIT files, or zips of them.",
                    }
                },
            }
        }
    },
    "required": True,
}


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
    limit = settings.max_upload_bytes
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise _too_large(limit)
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise InvalidInput(
            "Send the files as multipart/form-data, in fields named 'files'.",
            code="not_multipart",
        )
    received = 0

    async def receive() -> Message:
        # Content-Length may be absent (chunked) or lie: count what actually arrives.
        nonlocal received
        message = await request.receive()
        received += len(message.get("body", b""))
        if received > limit:
            raise _too_large(limit)
        return message

    form = await Request(request.scope, receive).form(
        max_files=settings.max_files_per_upload, max_fields=10
    )
    try:
        uploads = [item for item in form.getlist("files") if isinstance(item, UploadFile)]
        if not uploads:
            raise InvalidInput("The upload holds no file in a 'files' field.", code="no_file")
        results: list[ImportResult] = []
        for upload in uploads:
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
