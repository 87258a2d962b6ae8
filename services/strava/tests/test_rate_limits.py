"""Strava's rate limits: slow down before the limit, back off on a 429, lose nothing.

Windows of one second here (Strava's are fifteen minutes and a day), on both
sides: the local Strava counts in them and the service paces in them.
"""

from __future__ import annotations

import math
from collections import Counter
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from runnerly_kit.testing.waiting import eventually

from .support import Stack, new_runner

LIMIT = 6
MARGIN = 2


@pytest.fixture
def strava_options() -> dict[str, Any]:
    return {
        "window_seconds": 1.0,
        "rate_limit": (LIMIT, 10_000),
        "read_rate_limit": (LIMIT + 10, 10_000),
    }


@pytest.fixture
def stack_options() -> dict[str, Any]:
    return {"rate_limit_window_seconds": 1.0, "rate_limit_margin": MARGIN, "page_size": 3}


def _sample(registry: CollectorRegistry, name: str, **labels: str) -> float:
    return registry.get_sample_value(name, labels) or 0.0


async def test_a_429_is_backed_off_and_the_sync_completes_afterwards(stack: Stack) -> None:
    """After three 429s from Strava the backfill is postponed, then completes with every run."""
    runner = new_runner()
    athlete = stack.strava.add_athlete()
    activities = {str(stack.strava.add_activity(athlete, "Run")) for _ in range(3)}
    stack.strava.fail_next(3)

    await stack.connected(runner, athlete)

    await eventually(lambda: _has(stack, runner, activities), what="every run, after the 429s")
    await eventually(stack.idle, what="the end of the backfill")
    assert [c.status for c in stack.strava.api_calls()][:3] == [429, 429, 429]
    registry = stack.runtime.registry
    assert _sample(registry, "strava_sync_jobs_total", kind="list_page", outcome="postponed") >= 1
    assert not [job for job in await stack.jobs() if job.status == "failed"]
    assert (await stack.connection(runner))["backfill"] == "done"


async def test_calls_pause_before_the_limit_until_the_window_resets(stack: Stack) -> None:
    """Calls pause below the limit until the window resets: every run arrives, never a 429."""
    runner = new_runner()
    athlete = stack.strava.add_athlete()
    activities = {str(stack.strava.add_activity(athlete, "Run")) for _ in range(5)}

    await stack.connected(runner, athlete)

    await eventually(lambda: _has(stack, runner, activities), what="every run, paced")
    calls = stack.strava.api_calls()
    per_window = Counter(math.floor(call.at) for call in calls)
    # 5 x (activity + streams), each fetched once, and at least the 2 listing pages (a
    # periodic sync may list again when the machine is slow: not a wasted call); at most
    # LIMIT - MARGIN calls a window (one more where a call sent at the end of a window
    # arrives in the next).
    fetches = Counter(call.path for call in calls if not call.path.startswith("/athlete/"))
    assert len(fetches) == 10
    assert set(fetches.values()) == {1}
    assert sum(1 for call in calls if call.path == "/athlete/activities") >= 2
    assert max(per_window.values()) <= LIMIT - MARGIN + 1
    assert len(per_window) >= 3
    assert not [c for c in calls if c.status == 429]
    usage = _sample(
        stack.runtime.registry, "strava_rate_limit_limit", window="short", kind="overall"
    )
    assert usage == LIMIT


async def _has(stack: Stack, runner: str, ids: set[str]) -> bool:
    return ids <= await stack.strava_ids_in_runs(runner)
