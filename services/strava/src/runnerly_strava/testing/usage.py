"""The local Strava's rate limits: calls counted in a short and a daily window.

Windows are aligned on the epoch, as Strava's are (15 minutes and a day by
default; shorter in tests). Every counted call is answered with the usage
headers (``X-RateLimit-*``, and ``X-ReadRateLimit-*`` for the read limit).
"""

from __future__ import annotations

import math
import time


class Usage:
    """Calls counted against the overall and the read limits."""

    def __init__(
        self,
        rate_limit: tuple[int, int],
        read_rate_limit: tuple[int, int] | None,
        window_seconds: float,
        daily_window_seconds: float,
    ) -> None:
        self.rate_limit = rate_limit
        self.read_rate_limit = read_rate_limit
        self.window_seconds = window_seconds
        self.daily_window_seconds = daily_window_seconds
        #: How many of the next calls are refused as if the short window were spent.
        self.fail_next = 0
        self._used: dict[str, tuple[int, int]] = {}

    def count(self) -> tuple[dict[str, str], bool]:
        """Count one call: the usage headers, and whether the call is over a limit."""
        headers, over = self._count()
        if self.fail_next > 0:
            self.fail_next -= 1
            # As Strava reports a spent window: the short usage at (or past) its limit.
            short = self.rate_limit[0]
            used_daily = int(headers["X-RateLimit-Usage"].split(",")[1])
            headers["X-RateLimit-Usage"] = f"{short},{used_daily}"
            over = True
        return headers, over

    def _count(self) -> tuple[dict[str, str], bool]:
        now = time.time()
        short = math.floor(now / self.window_seconds)
        daily = math.floor(now / self.daily_window_seconds)
        headers: dict[str, str] = {}
        over = False
        for kind, limits in (("", self.rate_limit), ("Read", self.read_rate_limit)):
            if limits is None:
                continue
            used_short, used_daily = self._used.get(kind, (0, 0))
            window = self._used.get(f"{kind}window", (short, daily))
            if window[0] != short:
                used_short = 0
            if window[1] != daily:
                used_daily = 0
            used_short, used_daily = used_short + 1, used_daily + 1
            self._used[kind] = (used_short, used_daily)
            self._used[f"{kind}window"] = (short, daily)
            over = over or used_short > limits[0] or used_daily > limits[1]
            headers[f"X-{kind}RateLimit-Limit"] = f"{limits[0]},{limits[1]}"
            headers[f"X-{kind}RateLimit-Usage"] = f"{used_short},{used_daily}"
        return headers, over
