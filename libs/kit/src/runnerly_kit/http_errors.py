"""Every error leaves a service as the JSON envelope; this is the only module that builds it.

The framework's own errors (404 for an unknown route, 405, 422 for a body
that fails validation, a malformed form or JSON body) are converted here too.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from runnerly_kit.context import REQUEST_ID_HEADER, current_request_id
from runnerly_kit.errors import RunnerlyError
from runnerly_kit.logs import get_logger

_log = get_logger("runnerly.errors")

_CODES_BY_STATUS = {
    400: "bad_request",
    401: "unauthenticated",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    406: "not_acceptable",
    409: "conflict",
    413: "payload_too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    429: "rate_limited",
}


def error_response(error: RunnerlyError, request_id: str | None = None) -> JSONResponse:
    """The JSON envelope for one error, with the status and headers it carries."""
    headers = dict(error.headers)
    if request_id:
        headers[REQUEST_ID_HEADER] = request_id
    return JSONResponse(error.to_body(), status_code=error.status_code, headers=headers)


def _envelope(status: int, code: str, message: str, details: Any = None) -> RunnerlyError:
    return RunnerlyError(message, details=details, code=code, status_code=status)


async def _on_runnerly_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RunnerlyError)
    if exc.status_code >= 500:
        _log.error("service_error", code=exc.code, message=exc.message)
    return error_response(exc)


async def _on_http_exception(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, StarletteHTTPException)
    code = _CODES_BY_STATUS.get(exc.status_code, "error")
    error = _envelope(exc.status_code, code, str(exc.detail))
    error.headers = dict(exc.headers or {})
    return error_response(error)


async def _on_validation_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    details = [
        {"location": list(err.get("loc", ())), "message": err.get("msg"), "type": err.get("type")}
        for err in exc.errors()
    ]
    error = _envelope(422, "invalid_input", "The request is not valid.", details)
    return error_response(error)


async def _on_unexpected(_request: Request, _exc: Exception) -> JSONResponse:
    # Reached only if an exception escapes the middleware; it already logged it.
    return error_response(RunnerlyError("An unexpected error occurred."), current_request_id())


def install_error_handlers(app: FastAPI) -> None:
    """Map the error hierarchy and the framework's errors to the JSON envelope."""
    app.add_exception_handler(RunnerlyError, _on_runnerly_error)
    app.add_exception_handler(StarletteHTTPException, _on_http_exception)
    app.add_exception_handler(RequestValidationError, _on_validation_error)
    app.add_exception_handler(Exception, _on_unexpected)
