"""``/v1/runs/stats``: weekly and monthly totals; ``/v1/runs/best-efforts``: personal bests."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from runnerly_kit.auth import CurrentRunner
from runnerly_kit.errors import InvalidInput
from runnerly_runs.dependencies import ReadContextDep
from runnerly_runs.stats import service
from runnerly_runs.stats.schemas import Period, PeriodTotals, PersonalBests

router = APIRouter(tags=["statistics"])

#: How far back a chart may look: two years of weeks, five of months.
_MAX_PERIODS = {"week": 104, "month": 60}


@router.get(
    "/v1/runs/stats",
    response_model=PeriodTotals,
    summary="Weekly or monthly totals in the runner's time zone.",
)
async def period_totals(
    runner: CurrentRunner,
    context: ReadContextDep,
    period: Period = "week",
    tz: Annotated[
        str, Query(max_length=64, description="IANA time zone, e.g. Europe/Paris.")
    ] = "UTC",
    count: Annotated[int, Query(ge=1, le=104)] = 12,
    until: Annotated[
        date | None, Query(description="A day of the last period (default today).")
    ] = None,
) -> PeriodTotals:
    zone = service.zone_named(tz)
    if count > _MAX_PERIODS[period]:
        raise InvalidInput(
            f"At most {_MAX_PERIODS[period]} {period}s at a time.", code="too_many_periods"
        )
    return await service.totals(
        context, runner.id, period=period, zone=zone, count=count, until=until
    )


@router.get(
    "/v1/runs/best-efforts",
    response_model=PersonalBests,
    summary="The runner's fastest 1 km, 5 km, 10 km, half marathon and marathon.",
)
async def best_efforts(runner: CurrentRunner, context: ReadContextDep) -> PersonalBests:
    return await service.personal_bests(context, runner.id)
