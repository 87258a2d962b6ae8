"""HTTP caching of the BFF's answers: ``no-store`` on personal data, ETags where they help.

Personal data is never kept by the browser's or a proxy's cache (``no-store``).
A run's page is served with a strong ETag (the SHA-256 of its body), so a
client that kept the body itself (TanStack Query) may ask ``If-None-Match``
and get a 304 without the body.
"""

from __future__ import annotations

import hashlib
from typing import Any

from fastapi import Request, Response
from fastapi.encoders import jsonable_encoder
from fastapi.responses import JSONResponse

NO_STORE = "no-store"
PRIVATE_NO_STORE = "no-store, private"


def _matches(if_none_match: str | None, etag: str) -> bool:
    if not if_none_match:
        return False
    candidates = {part.strip().removeprefix("W/") for part in if_none_match.split(",")}
    return etag in candidates or "*" in candidates


def json_with_etag(request: Request, body: Any, *, cache_control: str) -> Response:
    """``body`` as JSON with its ETag, or a bodiless 304 when the client has it already."""
    content = JSONResponse(jsonable_encoder(body)).body
    etag = f'"{hashlib.sha256(content).hexdigest()[:32]}"'
    headers = {"ETag": etag, "Cache-Control": cache_control}
    if _matches(request.headers.get("if-none-match"), etag):
        return Response(status_code=304, headers=headers)
    return Response(content, media_type="application/json", headers=headers)
