"""Structured JSON logs with the request id and trace id of the current request.

Our own records take structlog's fast path: a filtering bound logger that
drops disabled levels for free, rendered by orjson straight to stdout as
bytes. Records of the standard library (uvicorn, SQLAlchemy, Alembic) are
rendered by the same processors through a ``ProcessorFormatter``, so an
operator reads one format. Request-scoped fields live in
:mod:`structlog.contextvars` and are bound by the middleware.

Going through the standard library for our own records cost about a fifth of
an authenticated request (bench/RESULTS.md); this path costs a few microseconds.

Records are written to stdout's buffer without a flush (a write system call)
each: warnings and errors flush at once, the rest within
:data:`FLUSH_SECONDS`, by :func:`flush_periodically`, which every service's
lifespan runs. Flushing each access-log line cost a "last 10 runs" request a
quarter of its time (bench/RESULTS.md).
"""

from __future__ import annotations

import asyncio
import logging
import os
import sys
from collections.abc import Callable
from typing import Any, BinaryIO

import orjson
import structlog
from opentelemetry import trace
from structlog.typing import EventDict, FilteringBoundLogger, Processor

_SECRET_KEYS = frozenset(
    {
        "password",
        "secret",
        "client_secret",
        "token",
        "access_token",
        "refresh_token",
        "authorization",
    }
)


#: The longest an info record waits in the buffer before it reaches stdout.
FLUSH_SECONDS = 0.25


class _BufferedBytesLogger:
    """structlog's logger: rendered records to stdout's buffer; warnings and up flushed at once.

    Records come as bytes (JSON, from orjson) or as text (the readable
    renderer the launcher uses on a developer's machine).
    """

    def __init__(self, *_args: Any) -> None:
        self._stream = _stdout_buffer()

    def _write(self, message: bytes | str) -> None:
        self._stream.write((message if isinstance(message, bytes) else message.encode()) + b"\n")

    def _write_and_flush(self, message: bytes | str) -> None:
        self._write(message)
        self._stream.flush()

    debug = info = msg = _write
    warning = warn = error = err = critical = fatal = exception = failure = _write_and_flush


_buffer: BinaryIO | None = None


def _stdout_buffer() -> BinaryIO:
    # Our own buffer on stdout's file descriptor: under PYTHONUNBUFFERED (the
    # launcher sets it, for the libraries' records) sys.stdout's binary layer
    # would make every record a system call.
    global _buffer  # noqa: PLW0603 - one buffer per process, shared by every logger
    if _buffer is None:
        try:
            descriptor = sys.stdout.fileno()
        except (AttributeError, OSError, ValueError):  # io.UnsupportedOperation is an OSError
            # A stdout with no file behind it (a test's capture): its own buffer will do.
            return sys.stdout.buffer
        _buffer = open(descriptor, "wb", buffering=64 * 1024, closefd=False)  # noqa: SIM115
    return _buffer


def flush() -> None:
    """Write out whatever records are buffered."""
    if _buffer is not None:
        _buffer.flush()
    sys.stdout.flush()


async def flush_periodically() -> None:
    """Flush buffered records every :data:`FLUSH_SECONDS` until cancelled (then once more)."""
    try:
        while True:
            await asyncio.sleep(FLUSH_SECONDS)
            flush()
    finally:
        flush()


def _add_trace_ids(_logger: Any, _method: str, event: EventDict) -> EventDict:
    context = trace.get_current_span().get_span_context()
    if context.is_valid:
        event.setdefault("trace_id", format(context.trace_id, "032x"))
        event.setdefault("span_id", format(context.span_id, "016x"))
    return event


def _mask_secrets(_logger: Any, _method: str, event: EventDict) -> EventDict:
    # A last line of defence: code should never pass secrets to a logger at all.
    for key in event.keys() & _SECRET_KEYS:
        event[key] = "***"
    return event


# Observers of our own log records (tests checking what is, and is not, logged).
# A processor that is always in the pipeline, rather than a reconfiguration, so
# that loggers already cached on first use are observed too.
_taps: list[Callable[[dict[str, Any]], None]] = []


def add_tap(tap: Callable[[dict[str, Any]], None]) -> None:
    """Have ``tap`` called with a copy of every record our loggers emit."""
    _taps.append(tap)


def remove_tap(tap: Callable[[dict[str, Any]], None]) -> None:
    """Stop calling ``tap``."""
    _taps.remove(tap)


def _feed_taps(_logger: Any, _method: str, event: EventDict) -> EventDict:
    for tap in _taps:
        tap(dict(event))
    return event


def _name_logger(_logger: Any, _method: str, event: EventDict) -> EventDict:
    if "logger_name" in event:
        event["logger"] = event.pop("logger_name")
    return event


class _ServiceName:
    """Adds ``service`` to every record."""

    def __init__(self, service: str) -> None:
        self.service = service

    def __call__(self, _logger: Any, _method: str, event: EventDict) -> EventDict:
        event.setdefault("service", self.service)
        return event


def _shared_processors() -> list[Processor]:
    return [
        structlog.contextvars.merge_contextvars,
        structlog.processors.add_log_level,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _add_trace_ids,
        _mask_secrets,
    ]


def configure_logging(*, service: str, level: str = "INFO", json: bool = True) -> None:
    """Send every log record, ours and the libraries', through one structlog pipeline."""
    numeric_level = logging.getLevelNamesMapping()[level.upper()]
    # The service name is a constant of the pipeline, not a context variable:
    # a variable bound here (in the lifespan's task) would not reach the
    # request tasks, which uvicorn starts from its own context.
    shared: list[Processor] = [_ServiceName(service), *_shared_processors()]
    if json:
        renderer: Processor = structlog.processors.JSONRenderer(serializer=orjson.dumps)
        foreign_renderer: Processor = structlog.processors.JSONRenderer()
    else:
        renderer = foreign_renderer = structlog.dev.ConsoleRenderer(colors=_colours_wanted())
    # Readable records are buffered too: printed and flushed one by one, the
    # access line cost each request a system call under the launcher (bench/RESULTS.md).
    factory: Any = _BufferedBytesLogger
    structlog.configure(
        processors=[
            *shared,
            _name_logger,
            structlog.processors.format_exc_info,
            _feed_taps,
            renderer,
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric_level),
        logger_factory=factory,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*shared, structlog.stdlib.add_logger_name],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            foreign_renderer,
        ],
    )
    handler = logging.StreamHandler(sys.stdout)
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(numeric_level)
    # The middleware writes one access line per request; uvicorn's would repeat it.
    logging.getLogger("uvicorn.access").disabled = True
    # httpx writes an INFO line per request it sends: a peer call is logged by
    # the peer's own access line (same request id), and its failures and
    # retries by the kit's client, so that line repeated them at ~8% of the
    # dashboard's CPU on its home screen (bench/RESULTS.md). Its warnings stay.
    logging.getLogger("httpx").setLevel(max(numeric_level, logging.WARNING))
    for name in ("uvicorn", "uvicorn.error"):
        logging.getLogger(name).handlers[:] = []
        logging.getLogger(name).propagate = True


def _colours_wanted() -> bool:
    # Colour codes belong on a terminal: in a file or a pipe (the launcher's) they are noise.
    # NO_COLOR (no-color.org) turns them off even there.
    try:
        return sys.stdout.isatty() and "NO_COLOR" not in os.environ
    except (AttributeError, ValueError):  # no stdout, or a closed one
        return False


def get_logger(name: str) -> FilteringBoundLogger:
    """A logger whose records carry ``logger=name``."""
    # "logger" itself cannot be an initial value (it is get_logger's own
    # parameter), so it travels as "logger_name" and is renamed on output.
    logger: FilteringBoundLogger = structlog.get_logger(logger_name=name)
    return logger
