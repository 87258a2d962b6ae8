"""The one error hierarchy of Runnerly, mapped once to HTTP (and to gRPC statuses).

Handlers raise these; they never build error responses by hand::

    RunnerlyError                 500 internal
    ├── BadRequest                400 bad_request
    ├── Unauthenticated           401 unauthenticated
    ├── Forbidden                 403 forbidden
    ├── NotFound                  404 not_found
    ├── Conflict                  409 conflict
    ├── PayloadTooLarge           413 payload_too_large
    ├── InvalidInput              422 invalid_input
    ├── RateLimited               429 rate_limited
    └── ServiceUnavailable        503 unavailable
        └── UpstreamError         502 upstream_error

Every one of them is rendered as ``{"error": {"code", "message", "details"}}``.
"""

from __future__ import annotations

from typing import Any, ClassVar


class RunnerlyError(Exception):
    """Base of every error a Runnerly service reports to its caller."""

    #: The HTTP status; a class default that one raise site may override.
    status_code: int = 500
    default_code: ClassVar[str] = "internal"
    grpc_status: ClassVar[str] = "INTERNAL"

    def __init__(
        self,
        message: str,
        *,
        details: Any = None,
        code: str | None = None,
        status_code: int | None = None,
        headers: dict[str, str] | None = None,
        keep_changes: bool = False,
    ) -> None:
        super().__init__(message)
        self.message = message
        self.details = details
        self.headers = headers or {}
        #: Commit the request's transaction before reporting the error: the
        #: refusal itself is worth recording (a failed login, a revoked session).
        self.keep_changes = keep_changes
        # A raise site may refine the class's code, e.g. ``invalid_grant`` for a 400.
        self.code = code or self.default_code
        self.status_code = status_code or self.status_code

    def to_body(self) -> dict[str, Any]:
        """The JSON envelope of ARCHITECTURE.md §3."""
        return {"error": {"code": self.code, "message": self.message, "details": self.details}}


class BadRequest(RunnerlyError):
    status_code = 400
    default_code = "bad_request"
    grpc_status = "INVALID_ARGUMENT"


class Unauthenticated(RunnerlyError):
    status_code = 401
    default_code = "unauthenticated"
    grpc_status = "UNAUTHENTICATED"


class Forbidden(RunnerlyError):
    status_code = 403
    default_code = "forbidden"
    grpc_status = "PERMISSION_DENIED"


class NotFound(RunnerlyError):
    status_code = 404
    default_code = "not_found"
    grpc_status = "NOT_FOUND"


class Conflict(RunnerlyError):
    status_code = 409
    default_code = "conflict"
    grpc_status = "ALREADY_EXISTS"


class PayloadTooLarge(RunnerlyError):
    status_code = 413
    default_code = "payload_too_large"
    grpc_status = "INVALID_ARGUMENT"


class InvalidInput(RunnerlyError):
    status_code = 422
    default_code = "invalid_input"
    grpc_status = "INVALID_ARGUMENT"


class RateLimited(RunnerlyError):
    status_code = 429
    default_code = "rate_limited"
    grpc_status = "RESOURCE_EXHAUSTED"


class ServiceUnavailable(RunnerlyError):
    status_code = 503
    default_code = "unavailable"
    grpc_status = "UNAVAILABLE"


class UpstreamError(ServiceUnavailable):
    """A peer service answered with an error we cannot pass on as our own."""

    status_code = 502
    default_code = "upstream_error"
