"""The request middleware: request id, trace context, access log, metrics, last-resort 500,
and the refusals of a service that is shutting down (:mod:`runnerly_kit.shutdown`).

Plain ASGI rather than ``BaseHTTPMiddleware``: it wraps ``send`` to see the
status, costs no extra task per request, and does not break streaming bodies.
It is the outermost layer the app adds, so an exception nothing else handled
is logged here once and answered with the JSON envelope, never a stack trace.

It runs on every request, so it reads only the three headers it needs and
makes no span when no trace exporter is configured.
"""

from __future__ import annotations

import asyncio
import time

import structlog
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from runnerly_kit import tracing
from runnerly_kit.context import REQUEST_ID_HEADER, accept_request_id, set_request_id
from runnerly_kit.errors import RunnerlyError
from runnerly_kit.http_errors import error_response
from runnerly_kit.logs import get_logger
from runnerly_kit.metrics import UNMATCHED_ROUTE, HttpMetrics
from runnerly_kit.shutdown import Shutdown, shutting_down
from runnerly_kit.startup import lifespan_with_one_line_refusals

_log = get_logger("runnerly.request")
_QUIET_PATHS = frozenset({"/healthz", "/readyz", "/metrics"})
_REQUEST_ID = REQUEST_ID_HEADER.lower().encode()
_TRACE_HEADERS = frozenset({b"traceparent", b"tracestate", b"baggage"})


class RequestContextMiddleware:
    """Binds request id and trace context, and records every request once."""

    def __init__(
        self, app: ASGIApp, metrics: HttpMetrics, shutdown: Shutdown | None = None
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.shutdown = shutdown or Shutdown()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self._not_a_request(scope, receive, send)
            return
        caller_request_id, carrier = _read_headers(scope["headers"])
        request_id = accept_request_id(caller_request_id)
        request_id_header = (REQUEST_ID_HEADER.encode(), request_id.encode())
        set_request_id(request_id)
        structlog.contextvars.bind_contextvars(request_id=request_id)
        method: str = scope["method"]
        status = 500
        response_started = False
        started = time.perf_counter()
        self.metrics.in_progress.inc()
        self.shutdown.request_started()

        async def send_with_request_id(message: Message) -> None:
            nonlocal status, response_started
            if message["type"] == "http.response.start":
                response_started = True
                status = message["status"]
                message["headers"] = [*message.get("headers", ()), request_id_header]
            await send(message)

        with tracing.server_span(method, carrier) as span:
            try:
                await self._dispatch(scope, receive, send_with_request_id)
            except asyncio.CancelledError:
                if not self.shutdown.draining:
                    raise
                if not response_started:
                    status = 503
                await _answer_cut_request(scope, receive, send_with_request_id, response_started)
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
                if span is not None:
                    span.update_name(f"{method} {route}")
                    span.set_attribute("http.response.status_code", status)
                self.metrics.in_progress.dec()
                self.shutdown.request_finished()
                self.metrics.observe(method, route, status, elapsed)
                if scope["path"] not in _QUIET_PATHS or status >= 400:
                    _log.info(
                        "request",
                        method=method,
                        route=route,
                        status=status,
                        duration_ms=round(elapsed * 1000, 2),
                    )
                structlog.contextvars.unbind_contextvars("request_id")
                set_request_id(None)

    async def _not_a_request(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "lifespan":
            await lifespan_with_one_line_refusals(self.app, scope, receive, send)
        else:
            await self.app(scope, receive, send)

    async def _dispatch(self, scope: Scope, receive: Receive, send: Send) -> None:
        if self.shutdown.draining and scope["path"] not in _QUIET_PATHS:
            # Reached the app after SIGTERM (its connection was accepted before the
            # listening socket closed): send the caller elsewhere.
            await _drain(receive)
            await error_response(shutting_down())(scope, receive, send)
        else:
            await self.app(scope, receive, send)


async def _drain(receive: Receive) -> None:
    # Read what the caller is still sending before answering: a client in the
    # middle of an upload reads no answer until its body is sent, and the
    # connection closed under it would be a reset instead of a 503 (seen with
    # bench/shutdown_drill.py). uvicorn's grace period bounds how long this takes.
    while True:
        message = await receive()
        if message["type"] != "http.request" or not message.get("more_body", False):
            return


async def _answer_cut_request(
    scope: Scope, receive: Receive, send: Send, response_started: bool
) -> None:
    # uvicorn's graceful-shutdown timeout cancelled this request, and uvicorn
    # would answer it with a plain-text 500. An unfinished transaction has
    # rolled back; the caller is told to try again.
    _log.warning("request_cut_by_shutdown", method=scope["method"], path=scope["path"])
    if not response_started:
        await error_response(shutting_down())(scope, receive, send)
    task = asyncio.current_task()
    if task is not None:
        task.uncancel()  # answered: the cancellation has done its job


def _read_headers(headers: list[tuple[bytes, bytes]]) -> tuple[str | None, dict[str, str]]:
    # ASGI header names are already lower-case.
    request_id = None
    carrier: dict[str, str] = {}
    for name, value in headers:
        if name == _REQUEST_ID:
            request_id = value.decode("latin-1")
        elif name in _TRACE_HEADERS:
            carrier[name.decode("latin-1")] = value.decode("latin-1")
    return request_id, carrier


def _route_template(scope: Scope) -> str:
    route = scope.get("route")
    path = getattr(route, "path_format", None) or getattr(route, "path", None)
    return path if isinstance(path, str) else UNMATCHED_ROUTE
