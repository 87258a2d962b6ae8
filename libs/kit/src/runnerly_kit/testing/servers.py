"""Real services on loopback: an app served by uvicorn on a free port, inside the test's loop."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator, Iterator

import uvicorn
from starlette.types import ASGIApp

from runnerly_kit.testing.ports import free_port


async def _serve(server: uvicorn.Server) -> None:
    try:
        await server.serve()
    except SystemExit as exit_:
        # uvicorn exits the process when the lifespan fails; in a test that
        # would end the event loop itself, so it becomes an ordinary error.
        raise RuntimeError(f"the app failed to start (exit code {exit_.code})") from None


@contextlib.asynccontextmanager
async def serve(app: ASGIApp, *, port: int | None = None) -> AsyncIterator[str]:
    """Serve ``app`` on 127.0.0.1 (lifespan included) and yield its base URL."""
    port = port or free_port()
    config = uvicorn.Config(
        app, host="127.0.0.1", port=port, lifespan="on", log_config=None, access_log=False
    )
    server = uvicorn.Server(config)
    # The test runner owns the process's signals; uvicorn must not take them.
    server.capture_signals = contextlib.nullcontext  # type: ignore[method-assign,assignment]
    task = asyncio.create_task(_serve(server))
    while not server.started:
        if task.done():
            await task  # surfaces the start-up error
            raise RuntimeError("server exited during start-up")
        await asyncio.sleep(0.01)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        await task


@contextlib.contextmanager
def server_errors() -> Iterator[list[str]]:
    """The error messages uvicorn logs meanwhile (e.g. why a start-up failed), one per record.

    Read through a filter on uvicorn's logger: the kit's logging set-up, which
    runs in every lifespan, replaces loggers' handlers but not their filters.
    """
    errors: list[str] = []

    def record(entry: logging.LogRecord) -> bool:
        if entry.levelno >= logging.ERROR:
            errors.append(entry.getMessage())
        return True

    logger = logging.getLogger("uvicorn.error")
    logger.addFilter(record)
    try:
        yield errors
    finally:
        logger.removeFilter(record)
