"""``/v1/runs/overview``: the last runs, weekly and monthly totals and best efforts in one call."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query, Response

from runnerly_kit.auth import CurrentRunner
from runnerly_runs.dependencies import ReadContextDep
from runnerly_runs.overview import service
from runnerly_runs.overview.schemas import RunsOverview

router = APIRouter(tags=["statistics"])


@router.get(
    "/v1/runs/overview",
    response_model=RunsOverview,
    summary="The runner's last runs, weekly totals, this month's totals and best efforts.",
)
async def runs_overview(
    runner: CurrentRunner,
    context: ReadContextDep,
    tz: Annotated[
        str, Query(max_length=64, description="IANA time zone, e.g. Europe/Paris.")
    ] = "UTC",
    weeks: Annotated[int, Query(ge=1, le=104, description="How many weeks of totals.")] = 12,
    last: Annotated[int, Query(ge=1, le=50, description="How many of the latest runs.")] = 10,
    until: Annotated[
        date | None, Query(description="A day of the last week and month (default today).")
    ] = None,
) -> Response:
    # The dashboard's home screen asks this on every visit: one request and one
    # read transaction instead of four (bench/RESULTS.md, "Dashboard home screen").
    body = await service.overview_body(
        context, runner.id, time_zone=tz, weeks=weeks, last=last, until=until
    )
    return Response(body, media_type="application/json")
