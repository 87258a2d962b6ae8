"""A clock that moves only when the test says so: time-based rules tested without sleeping."""

from __future__ import annotations


class ManualClock:
    """A stand-in for ``time.monotonic`` (or ``time.time``): call it for the time, move it by hand.

    Hand it to whatever takes a ``clock`` (the circuit breaker, the service
    client, the token provider...), then ``advance`` it past the interval
    under test instead of sleeping through it, so a busy machine cannot make
    the test pass or fail.
    """

    def __init__(self, start: float = 1_000.0) -> None:
        self.now = start

    def __call__(self) -> float:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock forward by ``seconds``."""
        self.now += seconds
