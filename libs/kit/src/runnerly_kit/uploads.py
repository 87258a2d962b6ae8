"""File uploads: a multipart body read as it streams in, refused past a size limit.

Used by every route that takes files in a ``files`` field (runs' imports, the
dashboard's uploads)::

    form = await limited_form(request, limit=settings.max_upload_bytes, max_files=50,
                              too_large=PayloadTooLarge("...", code="upload_too_large"))
    try:
        files = uploaded_files(form)
        ...
    finally:
        await form.close()

The body is counted as it arrives (``Content-Length`` may be absent, chunked,
or lie) and the request is refused with ``too_large`` as soon as it passes the
limit; Starlette spools each file to a temporary file past 1 MiB, so an upload
is never held whole in memory.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from starlette.datastructures import FormData, UploadFile
from starlette.types import Message

from runnerly_kit.errors import InvalidInput, RunnerlyError


def files_request_body(description: str) -> dict[str, Any]:
    """The OpenAPI ``requestBody`` of a multipart upload of many files in ``files``."""
    return {
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["files"],
                    "properties": {
                        "files": {
                            "type": "array",
                            "items": {"type": "string", "format": "binary"},
                            "description": description,
                        }
                    },
                }
            }
        },
        "required": True,
    }


async def limited_form(
    request: Request, *, limit: int, max_files: int, too_large: RunnerlyError
) -> FormData:
    """The request's multipart form; ``too_large`` past ``limit`` bytes, 422 if not multipart.

    The caller closes the form (its spooled files) when done.
    """
    declared = request.headers.get("content-length")
    if declared is not None and declared.isdigit() and int(declared) > limit:
        raise too_large
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        raise InvalidInput(
            "Send the files as multipart/form-data, in fields named 'files'.",
            code="not_multipart",
        )
    received = 0

    async def receive() -> Message:
        nonlocal received
        message = await request.receive()
        received += len(message.get("body", b""))
        if received > limit:
            raise too_large
        return message

    return await Request(request.scope, receive).form(max_files=max_files, max_fields=10)


def uploaded_files(form: FormData) -> list[UploadFile]:
    """The files of the ``files`` field; 422 ``no_file`` when there is none."""
    uploads = [item for item in form.getlist("files") if isinstance(item, UploadFile)]
    if not uploads:
        raise InvalidInput("The upload holds no file in a 'files' field.", code="no_file")
    return uploads
