"""Events through the outbox (one ``created`` per run), and forgetting a deleted runner."""

from __future__ import annotations

import asyncio

from runnerly_contracts.users import UserDeleted
from runnerly_kit.events import record_event
from runnerly_kit.runtime import Runtime

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

    for _ in range(200):
        if not await stack.last_runs(gone):
            break
        await asyncio.sleep(0.05)
    assert await stack.last_runs(gone) == []
    assert len(await stack.last_runs(stays)) == 2
    bests = await stack.http.get("/v1/runs/best-efforts", headers=stack.runner_headers(gone))
    assert bests.json() == {"best_efforts": []}
