"""Graceful shutdown: what a service knows between SIGTERM and the end of its lifespan.

uvicorn handles SIGTERM itself: it stops accepting, lets in-flight requests
run for ``--timeout-graceful-shutdown`` seconds, cancels those still running,
then runs the lifespan's shutdown. The app is told nothing until that last
step, so :class:`Shutdown` learns of the signal by chaining the server's own
signal handler. From then on the request middleware answers requests that
still reach the app (on a connection accepted before the listening socket
closed) with a JSON 503 ``shutting_down`` and ``Retry-After``, and answers a
request cut by the grace timeout the same way instead of uvicorn's plain-text
500. The lifespan waits until no request is running before it stops the
workers, flushes the outbox and closes the database under them.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import threading
from types import FrameType
from typing import Any

from runnerly_kit.errors import ServiceUnavailable
from runnerly_kit.logs import flush as flush_logs
from runnerly_kit.logs import get_logger

#: How soon a refused caller should try again (another replica, or this one restarted).
RETRY_AFTER_SECONDS = 2
_SIGNALS = (signal.SIGTERM, signal.SIGINT)
_log = get_logger("runnerly.shutdown")


def shutting_down() -> ServiceUnavailable:
    """The error a request gets once the service has begun to stop."""
    return ServiceUnavailable(
        "The service is shutting down; try again.",
        code="shutting_down",
        headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
    )


class Shutdown:
    """Whether the service is stopping, and which requests are still running."""

    def __init__(self) -> None:
        self.draining = False
        self._in_flight = 0
        self._idle: asyncio.Event | None = None
        self._chained: dict[int, Any] = {}
        self._loop: asyncio.AbstractEventLoop | None = None

    def begin(self) -> None:
        """Start draining: new requests are refused from now on (idempotent)."""
        if not self.draining:
            self.draining = True
            self._announce()

    def request_started(self) -> None:
        """A request entered the app."""
        self._in_flight += 1
        if self._idle is not None:
            self._idle.clear()

    def request_finished(self) -> None:
        """A request left the app, answered or not."""
        self._in_flight -= 1
        if self._in_flight == 0 and self._idle is not None:
            self._idle.set()

    async def wait_idle(self, within: float) -> bool:
        """Wait until no request is running, at most ``within`` s; True if none is."""
        if self._in_flight == 0:
            return True
        self._idle = asyncio.Event()
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(within):
                await self._idle.wait()
        return self._in_flight == 0

    def watch_signals(self) -> None:
        """Chain the server's SIGTERM and SIGINT handlers so that a signal starts draining.

        Only where a Python handler is installed (uvicorn's, when it serves the
        app): a process whose signals are not handled (a test runner serving
        apps in-process) is left alone.
        """
        if threading.current_thread() is not threading.main_thread():
            return
        self._loop = asyncio.get_running_loop()
        for sig in _SIGNALS:
            previous = signal.getsignal(sig)
            if not callable(previous) or previous is signal.default_int_handler:
                continue
            self._chained[sig] = previous
            signal.signal(sig, self._on_signal)

    def unwatch_signals(self) -> None:
        """Give the signals back to the handlers that had them, if ours is still installed."""
        for sig, previous in self._chained.items():
            if signal.getsignal(sig) == self._on_signal:
                signal.signal(sig, previous)
        self._chained.clear()

    def _on_signal(self, sig: int, frame: FrameType | None) -> None:
        # A signal handler runs between two bytecodes of the main thread, maybe
        # inside the event loop: flip the flag now, log from the loop later.
        if not self.draining and self._loop is not None and not self._loop.is_closed():
            self._loop.call_soon_threadsafe(self._announce)
        self.draining = True
        self._chained[sig](sig, frame)

    def _announce(self) -> None:
        _log.info("shutdown_started", in_flight=self._in_flight)
        flush_logs()  # an operator (or a test) sees at once when draining began
