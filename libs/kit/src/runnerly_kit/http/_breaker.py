"""A circuit breaker per peer: stop calling a peer that keeps failing; try again later.

Hand-written on purpose (60 lines). The asyncio breakers on PyPI were checked:
``aiobreaker`` has had no release since 2021; ``pybreaker``'s async support is
Tornado's; ``circuitbreaker`` guards a function, not a peer; ``purgatory`` lets
every concurrent call through while half-open, counts only exceptions (a 503
response would have to become one), uses the wall clock and routes each call
through a message bus.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from runnerly_kit.errors import ServiceUnavailable
from runnerly_kit.logs import get_logger

_log = get_logger("runnerly.http")


class CircuitOpen(ServiceUnavailable):
    """A peer failed too often; calls to it fail fast until the breaker lets a trial through."""

    default_code = "circuit_open"


class CircuitBreaker:
    """Closed → (N consecutive failures) → open → (reset time) → half-open: one trial call.

    The trial's success closes the breaker; its failure opens it again for
    another reset period. While the trial is in flight other calls fail fast.
    """

    def __init__(
        self,
        peer: str,
        *,
        name: str = "",
        failure_threshold: int,
        reset_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        #: The peer's address, for logs only: error bodies name the peer by ``name``.
        self.peer = peer
        #: What callers may be told the peer is ("the users service").
        self.name = name or "a peer service"
        self.failure_threshold = failure_threshold
        self.reset_seconds = reset_seconds
        self._clock = clock
        self._failures = 0
        self._opened_at: float | None = None
        self._trial_in_flight = False

    @property
    def state(self) -> str:
        """``closed``, ``open`` or ``half-open`` (for logs and tests)."""
        if self._opened_at is None:
            return "closed"
        if self._trial_in_flight or self._clock() - self._opened_at >= self.reset_seconds:
            return "half-open"
        return "open"

    def before_call(self) -> None:
        """Let a call through, or raise :class:`CircuitOpen`."""
        if self._opened_at is None:
            return
        if self._trial_in_flight or self._clock() - self._opened_at < self.reset_seconds:
            raise CircuitOpen(
                f"{_capitalised(self.name)} is failing; not calling it for now.",
                details={"peer": self.name},
            )
        self._trial_in_flight = True

    def record_success(self) -> None:
        """The peer answered (any status below 500)."""
        if self._opened_at is not None:
            _log.info("circuit_closed", peer=self.peer)
        self._failures = 0
        self._opened_at = None
        self._trial_in_flight = False

    def record_failure(self) -> None:
        """The peer could not be reached, timed out or answered 5xx."""
        self._failures += 1
        if self._trial_in_flight or self._failures >= self.failure_threshold:
            if self._opened_at is None:
                _log.warning("circuit_opened", peer=self.peer, failures=self._failures)
            self._opened_at = self._clock()
        self._trial_in_flight = False

    def release(self) -> None:
        """The call ended without a verdict on the peer (cancelled): free the trial slot."""
        self._trial_in_flight = False


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]
