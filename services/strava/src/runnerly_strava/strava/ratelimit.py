"""Strava's rate limits: read the usage headers, stop calling before the limit, wait out a 429.

Strava counts calls per application in two windows: fifteen minutes (reset at
:00, :15, :30 and :45) and a day (reset at midnight UTC), and reports them on
every response::

    X-RateLimit-Limit: 200,2000        X-RateLimit-Usage: 13,512
    X-ReadRateLimit-Limit: 100,1000    X-ReadRateLimit-Usage: 7,300   (newer: reads only)

:class:`RateLimiter` keeps, per window, the highest usage it knows of: the
latest header (which counts every replica's calls) plus the calls this process
started since (so calls in flight at the same time are counted before their
answers arrive). When usage reaches ``limit - margin`` in either window, no
new paced call starts until that window resets. A 429 marks the window full.

A job that needs several calls (an activity, then its streams) reserves them
all before it starts (:meth:`RateLimiter.reserve` with a count, then
:meth:`RateLimiter.budget`): otherwise concurrent jobs could each spend the
window on their first call and all be stopped at their second, again in
every window, and never finish.
Window boundaries are multiples of the window length since the Unix epoch,
which is Strava's clock alignment; the lengths are configurable so tests can
use windows of a second.

The state is per process: another replica learns of the usage from the
headers of its own next call, which is also when it could first exceed.
"""

from __future__ import annotations

import contextlib
import math
import time
from collections.abc import Callable, Iterator
from contextvars import ContextVar
from dataclasses import dataclass, field

import httpx

#: (limit header, usage header) pairs, overall first.
HEADERS = (
    ("overall", "X-RateLimit-Limit", "X-RateLimit-Usage"),
    ("read", "X-ReadRateLimit-Limit", "X-ReadRateLimit-Usage"),
)
WINDOWS = ("short", "daily")
#: The calls the running job reserved and has not made yet (per asyncio task).
_prepaid: ContextVar[list[int] | None] = ContextVar("strava_prepaid_calls", default=None)


@dataclass
class _Window:
    length: float
    index: int = -1
    limits: dict[str, int] = field(default_factory=dict)
    usage: dict[str, int] = field(default_factory=dict)

    def roll(self, now: float) -> None:
        index = math.floor(now / self.length)
        if index != self.index:
            self.index = index
            self.usage = dict.fromkeys(self.usage, 0)

    def resets_at(self) -> float:
        return (self.index + 1) * self.length

    def near_limit(self, margin: int, count: int = 1) -> bool:
        for kind, limit in self.limits.items():
            used = self.usage.get(kind, 0)
            # A job needing more than a whole budget still runs in an untouched window.
            if used >= limit - margin or (used > 0 and used + count > limit - margin):
                return True
        return False


class RateLimiter:
    """The pacing of this process's calls to Strava."""

    def __init__(
        self,
        *,
        window_seconds: float,
        daily_window_seconds: float,
        margin: int,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self.margin = margin
        self._clock = clock
        self._windows = {
            "short": _Window(window_seconds),
            "daily": _Window(daily_window_seconds),
        }
        self._blocked_until = 0.0

    def paused_until(self, count: int = 1) -> float | None:
        """The epoch time before which ``count`` paced calls may not start, or None."""
        now = self._clock()
        resume: float | None = self._blocked_until if self._blocked_until > now else None
        for window in self._windows.values():
            window.roll(now)
            if window.near_limit(self.margin, count):
                resume = max(resume or 0.0, window.resets_at())
        return resume

    def reserve(self, count: int = 1) -> float | None:
        """Count ``count`` calls about to be made; or return when to resume if paused."""
        resume = self.paused_until(count)
        if resume is not None:
            return resume
        for window in self._windows.values():
            for kind in window.limits or {"overall": 0}:
                window.usage[kind] = window.usage.get(kind, 0) + count
        return None

    @contextlib.contextmanager
    def budget(self, calls: int) -> Iterator[None]:
        """Within this block (one asyncio task), the first ``calls`` calls are already reserved."""
        token = _prepaid.set([calls])
        try:
            yield
        finally:
            _prepaid.reset(token)

    def take(self) -> float | None:
        """One call: from the running job's budget, else reserved now (or when to resume)."""
        prepaid = _prepaid.get()
        if prepaid and prepaid[0] > 0:
            prepaid[0] -= 1
            return None
        return self.reserve()

    def observe(self, response: httpx.Response) -> None:
        """Learn the usage (and limits) Strava reports on a response."""
        now = self._clock()
        for window in self._windows.values():
            window.roll(now)
        for kind, limit_header, usage_header in HEADERS:
            limits = _pair(response.headers.get(limit_header))
            usage = _pair(response.headers.get(usage_header))
            if limits is None or usage is None:
                continue
            for position, name in enumerate(WINDOWS):
                window = self._windows[name]
                window.limits[kind] = limits[position]
                window.usage[kind] = max(window.usage.get(kind, 0), usage[position])

    def exhausted(self, response: httpx.Response) -> float:
        """A 429: nothing more until the spent window resets; return when that is."""
        self.observe(response)
        now = self._clock()
        daily = self._windows["daily"]
        daily.roll(now)
        spent_daily = any(daily.usage.get(kind, 0) >= limit for kind, limit in daily.limits.items())
        # Without usable headers, the short window: the one that resets first.
        window = daily if spent_daily else self._windows["short"]
        window.roll(now)
        self._blocked_until = max(self._blocked_until, window.resets_at())
        return self._blocked_until

    def usage(self) -> dict[tuple[str, str], tuple[int, int]]:
        """(window, kind) -> (usage, limit), for the metrics."""
        return {
            (name, kind): (window.usage.get(kind, 0), limit)
            for name, window in self._windows.items()
            for kind, limit in window.limits.items()
        }


def _pair(value: str | None) -> tuple[int, int] | None:
    if not value:
        return None
    parts = value.split(",")
    if len(parts) < 2:
        return None
    try:
        return int(parts[0].strip()), int(parts[1].strip())
    except ValueError:
        return None
