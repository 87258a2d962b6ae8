"""The runs screens: each is the runs service's answer, for the runner."""

from __future__ import annotations

from datetime import datetime

from runnerly_dashboard.dependencies import Context
from runnerly_dashboard.peers import Caller
from runnerly_dashboard.runs.schemas import RunChange, RunScreen, RunsPage
from runnerly_dashboard.shapes import RunDetail, Series


async def page(
    context: Context,
    caller: Caller,
    *,
    after: datetime | None,
    before: datetime | None,
    cursor: str | None,
    limit: int,
) -> RunsPage:
    """One page of the runner's runs."""
    params = {
        "started_after": after.isoformat() if after else None,
        "started_before": before.isoformat() if before else None,
        "cursor": cursor,
        "limit": limit,
    }
    body = await context.parts.runs.json("GET", "/v1/runs", caller=caller, params=params)
    return RunsPage.model_validate(body)


async def run_screen(context: Context, caller: Caller, run_id: str) -> RunScreen:
    """The run, then its series when it has one (a second call only then)."""
    runs = context.parts.runs
    run = RunDetail.model_validate(await runs.json("GET", f"/v1/runs/{run_id}", caller=caller))
    series = None
    if run.has_series:
        body = await runs.json("GET", f"/v1/runs/{run_id}/series", caller=caller)
        series = Series.model_validate(body)
    return RunScreen(run=run, series=series)


async def change(context: Context, caller: Caller, run_id: str, body: RunChange) -> RunDetail:
    """Change the run's title or description."""
    answer = await context.parts.runs.json(
        "PATCH", f"/v1/runs/{run_id}", caller=caller, json=body.model_dump(exclude_unset=True)
    )
    return RunDetail.model_validate(answer)


async def delete(context: Context, caller: Caller, run_id: str) -> None:
    """Delete the run."""
    await context.parts.runs.call("DELETE", f"/v1/runs/{run_id}", caller=caller)
