"""The safety net (a periodic sync of every link) and several replicas sharing the jobs."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from prometheus_client import CollectorRegistry

from runnerly_kit.testing.ports import free_port
from runnerly_kit.testing.servers import serve
from runnerly_kit.testing.waiting import eventually
from runnerly_strava.dependencies import settings_of
from runnerly_strava.main import create_app

from .support import Stack, new_runner


@pytest.fixture
def stack_options() -> dict[str, Any]:
    return {"sync_interval_seconds": 1.0, "page_size": 2, "batch_size": 2, "concurrency": 1}


async def test_a_run_missed_by_the_webhook_arrives_with_the_periodic_sync(stack: Stack) -> None:
    """An activity no webhook announced arrives with the periodic sync of every link."""
    runner = new_runner()
    athlete = stack.strava.add_athlete()
    await stack.connected(runner, athlete)
    await eventually(stack.idle, what="the (empty) backfill")

    missed = stack.strava.add_activity(athlete, "Run")  # no event was ever pushed

    await eventually(
        lambda: _has(stack, runner, {str(missed)}), what="the run, from the periodic sync"
    )
    periodic = [c for c in stack.strava.api_calls("/athlete/activities") if "after" in c.params]
    assert periodic
    link = await stack.link(runner)
    assert link is not None
    assert link.last_activity_at is not None


async def test_two_replicas_share_the_work_without_doing_it_twice(stack: Stack) -> None:
    """Two replicas share a backfill's jobs: both work, and nothing is fetched from Strava twice."""
    runner = new_runner()
    athlete = stack.strava.add_athlete()
    activities = {str(stack.strava.add_activity(athlete, "Run")) for _ in range(8)}
    settings = settings_of(stack.runtime)
    port = free_port()
    replica = create_app(
        settings.model_copy(
            update={
                "port": port,
                "public_url": f"http://127.0.0.1:{port}",
                # Only the backfill here: no periodic listing to muddy the counts.
                "sync_interval_seconds": 3600.0,
            }
        )
    )
    object.__setattr__(settings, "sync_interval_seconds", 3600.0)

    async with serve(replica, port=port):
        await stack.connected(runner, athlete)
        await eventually(lambda: _has(stack, runner, activities), what="every run")
        await eventually(stack.idle, what="the end of the backfill")
        done = [_jobs_done(app.state.runtime.registry) for app in (stack.app, replica)]

    fetched = Counter(c.path for c in stack.strava.api_calls("/activities/"))
    assert set(fetched.values()) == {1}  # each activity and each stream set fetched once
    assert len(fetched) == 16
    pages = Counter(c.params["page"] for c in stack.strava.api_calls("/athlete/activities"))
    assert set(pages.values()) == {1}
    assert sum(done) == 8 + 5  # 8 activities, 5 pages (the last one empty)
    assert all(count > 0 for count in done)  # both replicas took their share


def _jobs_done(registry: CollectorRegistry) -> float:
    return sum(
        registry.get_sample_value("strava_sync_jobs_total", {"kind": kind, "outcome": "done"})
        or 0.0
        for kind in ("list_page", "fetch_activity")
    )


async def _has(stack: Stack, runner: str, ids: set[str]) -> bool:
    return ids <= await stack.strava_ids_in_runs(runner)
