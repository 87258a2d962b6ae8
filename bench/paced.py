"""Load at a fixed rate (an open model), for latency figures that mean something.

wrk keeps a fixed number of connections busy: when the server slows down, wrk
slows down with it and the slow requests it did not send never count (the
"coordinated omission" Gil Tene named). Here request *i* is due at
``start + i / rate`` whatever happened before it, and its latency is measured
from when it was due, not from when it could be sent — so a server that falls
behind shows it in the percentiles. Debian has no wrk2 or vegeta; at a few
hundred requests a second one asyncio loop with httpx keeps the pace easily,
and :func:`paced_load` reports how late it ever sent a request, so a driver
that could not keep up is visible too.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Mapping
from dataclasses import dataclass

import httpx


@dataclass(frozen=True)
class PacedResult:
    """What one paced run measured (latencies in milliseconds, from each request's due time)."""

    name: str
    rate: float
    seconds: float
    completed: int
    achieved_per_second: float
    p50_ms: float
    p90_ms: float
    p99_ms: float
    max_ms: float
    failures: int
    #: How late the driver itself ever was in sending a request (its own health).
    worst_send_lag_ms: float

    def row(self) -> str:
        return (
            f"| {self.name} | {self.rate:.0f} | {self.achieved_per_second:.1f} | "
            f"{self.p50_ms:.1f} | {self.p90_ms:.1f} | {self.p99_ms:.1f} | {self.max_ms:.1f} | "
            f"{self.failures} |"
        )


def _percentile(ordered: list[float], fraction: float) -> float:
    if not ordered:
        return float("nan")
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]


async def _paced(
    name: str,
    url: str,
    *,
    rate: float,
    seconds: float,
    headers: Mapping[str, str],
    cookies: Mapping[str, str],
    expect: int,
) -> PacedResult:
    total = int(rate * seconds)
    latencies: list[float] = []
    failures = 0
    worst_lag = 0.0
    limits = httpx.Limits(max_connections=200, max_keepalive_connections=200)
    async with httpx.AsyncClient(
        headers=dict(headers), cookies=dict(cookies), limits=limits, timeout=30
    ) as client:

        async def one(due: float) -> None:
            nonlocal failures
            try:
                response = await client.get(url)
                ok = response.status_code == expect
            except httpx.HTTPError:
                ok = False
            latencies.append((time.perf_counter() - due) * 1000)
            failures += not ok

        start = time.perf_counter() + 0.1
        tasks: list[asyncio.Task[None]] = []
        for i in range(total):
            due = start + i / rate
            delay = due - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            worst_lag = max(worst_lag, time.perf_counter() - due)
            tasks.append(asyncio.create_task(one(due)))
        await asyncio.gather(*tasks)
        elapsed = time.perf_counter() - start
    ordered = sorted(latencies)
    return PacedResult(
        name=name,
        rate=rate,
        seconds=seconds,
        completed=len(ordered),
        achieved_per_second=round(len(ordered) / elapsed, 1),
        p50_ms=round(statistics.median(ordered), 2),
        p90_ms=round(_percentile(ordered, 0.90), 2),
        p99_ms=round(_percentile(ordered, 0.99), 2),
        max_ms=round(ordered[-1], 2),
        failures=failures,
        worst_send_lag_ms=round(worst_lag * 1000, 2),
    )


def paced_load(
    name: str,
    url: str,
    *,
    rate: float,
    seconds: float,
    headers: Mapping[str, str] | None = None,
    cookies: Mapping[str, str] | None = None,
    expect: int = 200,
) -> PacedResult:
    """GET ``url`` at ``rate`` requests a second for ``seconds``; latencies from due times."""
    return asyncio.run(
        _paced(
            name,
            url,
            rate=rate,
            seconds=seconds,
            headers=headers or {},
            cookies=cookies or {},
            expect=expect,
        )
    )
