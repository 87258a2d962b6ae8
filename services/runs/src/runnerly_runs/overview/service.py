"""The runner's overview: the runs' and the statistics' own answers, read in one transaction.

It owns no SQL: the last runs come from the runs feature, the totals and best
efforts from the statistics, so the overview always equals what their routes
answer, and one transaction means all four parts see the same runs.
"""

from __future__ import annotations

from datetime import date

from runnerly_runs.dependencies import Context
from runnerly_runs.overview.schemas import OverviewFigures
from runnerly_runs.runs import service as runs
from runnerly_runs.stats import service as stats


async def overview_body(
    context: Context,
    runner_id: str,
    *,
    time_zone: str,
    weeks: int,
    last: int,
    until: date | None = None,
) -> bytes:
    """The JSON body: ``{"runs": [...], "weeks": {...}, "month": {...}, "best_efforts": [...]}``."""
    zone = stats.zone_named(time_zone)
    # "Today" once, so that the weeks and the month end on the same day.
    until = until or context.now.astimezone(zone).date()
    listings = await runs.last_listings(context, runner_id, last)
    figures = OverviewFigures(
        weeks=await stats.totals(
            context, runner_id, period="week", zone=zone, count=weeks, until=until
        ),
        month=await stats.totals(
            context, runner_id, period="month", zone=zone, count=1, until=until
        ),
        best_efforts=(await stats.personal_bests(context, runner_id)).best_efforts,
    )
    # The listings are kept serialised on their rows (runs.listing): spliced in,
    # not decoded and encoded again.
    return (
        b'{"runs":[' + ",".join(listings).encode() + b"]," + figures.model_dump_json().encode()[1:]
    )
