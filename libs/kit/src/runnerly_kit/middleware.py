"""The request middleware: request id, trace context, access log, metrics, last-resort 500.

Plain ASGI rather than ``BaseHTTPMiddleware``: it wraps ``send`` to see the
status, costs no extra task per request, and does not break streaming bodies.
It is the outermost layer the app adds, so an exception nothing else handled
is logged here once and answered with the JSON envelope, never a stack trace.
"""

from __future__ import annotations

import time
from typing import Any

import structlog
from opentelemetry import context as otel_context
from opentelemetry import trace
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from runnerly_kit import tracing
from runnerly_kit.context import REQUEST_ID_HEADER, accept_request_id, set_request_id
from runnerly_kit.errors import RunnerlyError
from runnerly_kit.http_errors import error_response
from runnerly_kit.logs import get_logger
from runnerly_kit.metrics import UNMATCHED_ROUTE, HttpMetrics

_log = get_logger("runnerly.request")
_QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})


class RequestContextMiddleware:
    """Binds request id and trace context, and records every request once."""

    def __init__(self, app: ASGIApp, metrics: HttpMetrics) -> None:
        self.app = app
        self.metrics = metrics

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        request_id = accept_request_id(headers.get(REQUEST_ID_HEADER.lower()))
        set_request_id(request_id)
        structlog.contextvars.bind_contextvars(request_id=request_id)
        token = otel_context.attach(tracing.extract(headers))
        method: str = scope["method"]
        status = 500
        response_started = False
        started = time.perf_counter()
        self.metrics.in_progress.inc()

        async def send_with_request_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                message.setdefault("headers", [])
                message["headers"] = [
                    *message["headers"],
                    (REQUEST_ID_HEADER.encode(), request_id.encode()),
                ]
            await send(message)

        with tracing.tracer().start_as_current_span(
            method, kind=trace.SpanKind.SERVER
        ) as span:
            try:
                await self.app(scope, receive, send_with_request_id)
            except Exception:  # the last resort: nothing inside handled it
                _log.exception("unhandled_error", method=method, path=scope["path"])
                status = 500
                if not response_started:
                    # No request id argument: send_with_request_id adds the header,
                    # and passing it here too would send it twice.
                    await error_response(RunnerlyError("An unexpected error occurred."))(
                        scope, receive, send_with_request_id
                    )
            finally:
                route = _route_template(scope)
                elapsed = time.perf_counter() - started
                span.update_name(f"{method} {route}")
                span.set_attribute("http.response.status_code", status)
                self.metrics.in_progress.dec()
                self.metrics.observe(method, route, status, elapsed)
                if scope["path"] not in _QUIET_PATHS or status >= 400:
                    _log.info(
                        "request",
                        method=method,
                        route=route,
                        status=status,
                        duration_ms=round(elapsed * 1000, 2),
                    )
                otel_context.detach(token)
                structlog.contextvars.unbind_contextvars("request_id")
                set_request_id(None)


def _route_template(scope: dict[str, Any]) -> str:
    route = scope.get("route")
    path = getattr(route, "path_format", None) or getattr(route, "path", None)
    return path if isinstance(path, str) else UNMATCHED_ROUTE
