"""Events through the outbox (one ``created`` per run), and forgetting a deleted runner."""

from __future__ import annotations

import asyncio

from sqlalchemy import func, select

from runnerly_contracts.users import UserDeleted
from runnerly_kit.events import record_event
from runnerly_kit.runtime import Runtime
from runnerly_kit.testing.waiting import eventually
from runnerly_runs.models import BestEffortRecord, Run, RunSource

from .support import CREATED, Stack, a_run, file_of, new_runner


async def test_every_created_run_produces_exactly_one_created_event(stack: Stack) -> None:
    """A typed and an uploaded run publish one created event each; a merge or a re-upload none."""
    runner = new_runner()
    track = a_run(20, points=900, seed=3)
    ids = [
        (await stack.manual_run(runner))["id"],
        (await stack.upload(runner, ("a.gpx", file_of(track, "gpx")))).json()["runs"][0]["run_id"],
    ]
    # The same run again (a merge) and the same file again (a no-op) create nothing.
    await stack.upload(runner, ("a.tcx", file_of(track, "tcx")))
    await stack.upload(runner, ("a.gpx", file_of(track, "gpx")))

    events = await stack.events.wait_for_all(2, CREATED, runner_id=runner)
    await asyncio.sleep(0.5)  # room for a wrongly duplicated event to arrive

    assert sorted(
        e.data["run_id"] for e in stack.events.matching(CREATED, runner_id=runner)
    ) == sorted(ids)
    assert all(e.source == "runs" and e.subject == runner for e in events)


async def test_a_deleted_runner_is_forgotten(stack: Stack) -> None:
    """After users.user.deleted.v1 the runner's runs and bests are gone; others' runs stay."""
    gone, stays = new_runner(), new_runner()
    for runner in (gone, stays):
        await stack.upload(runner, ("r.fit", file_of(a_run(22, points=600), "fit")))
        await stack.manual_run(runner)
    runtime: Runtime = stack.app.state.runtime

    # users publishes the deletion through its own outbox; here, through ours (the same relay path).
    async with runtime.db.transaction() as session:
        record_event(session, UserDeleted(user_id=gone), source="users", subject=gone)

    async def forgotten() -> bool:
        return await _rows_of(runtime, gone) == 0

    await eventually(forgotten, within=10, what="runs forgetting the runner")
    assert len(await stack.last_runs(stays)) == 2
    assert await _rows_of(runtime, stays) > 0

    # Their tokens are revoked too (in the kit): even a fresh one is refused.
    async def refused() -> bool:
        response = await stack.http.get("/v1/runs/last", headers=stack.runner_headers(gone))
        return response.status_code == 401

    await eventually(refused, within=10, what="the deleted runner's token to be refused")


async def _rows_of(runtime: Runtime, runner_id: str) -> int:
    """Rows of runs, their sources and best efforts that still name the runner."""
    total = 0
    async with runtime.db.transaction(write=False) as session:
        for model in (Run, RunSource, BestEffortRecord):
            count = await session.scalar(
                select(func.count()).select_from(model).where(model.runner_id == runner_id)
            )
            total += int(count or 0)
    return total
