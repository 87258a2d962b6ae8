"""Weekly and monthly totals in the runner's time zone, and personal bests.

A run belongs to the week or month of its start *where the runner lives*: a
Sunday-evening run in Sydney is Sunday's, though it is Sunday morning in UTC.
The zone is the caller's (the dashboard passes the runner's profile zone),
since profiles belong to the users service.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from runnerly_kit.errors import InvalidInput
from runnerly_runs.dependencies import Context
from runnerly_runs.fields import known_zone
from runnerly_runs.stats import repository
from runnerly_runs.stats.schemas import (
    Period,
    PeriodTotals,
    PersonalBest,
    PersonalBests,
    Totals,
)
from runnerly_runs.tracks import pace


def zone_named(name: str) -> ZoneInfo:
    """The IANA time zone ``name``; a 422 ``unknown_time_zone`` for any other name."""
    try:
        return ZoneInfo(known_zone(name) or "UTC")
    except ValueError as exc:
        raise InvalidInput(str(exc), code="unknown_time_zone") from exc


def period_start(day: date, period: Period) -> date:
    """The Monday of ``day``'s week (ISO 8601), or the first of its month."""
    if period == "week":
        return day - timedelta(days=day.weekday())
    return day.replace(day=1)


def next_period(start: date, period: Period) -> date:
    if period == "week":
        return start + timedelta(days=7)
    return (start.replace(day=28) + timedelta(days=4)).replace(day=1)


def previous_period(start: date, period: Period) -> date:
    if period == "week":
        return start - timedelta(days=7)
    return (start - timedelta(days=1)).replace(day=1)


def _local_midnight(day: date, zone: ZoneInfo) -> datetime:
    return datetime.combine(day, time(), tzinfo=zone)


@dataclass
class _Sum:
    count: int = 0
    distance_m: float = 0.0
    moving_time_s: float = 0.0
    elevation_gain_m: float = 0.0


async def totals(
    context: Context,
    runner_id: str,
    *,
    period: Period,
    zone: ZoneInfo,
    count: int,
    until: date | None = None,
) -> PeriodTotals:
    """The last ``count`` periods up to the one holding ``until`` (today, in ``zone``)."""
    last = period_start(until or context.now.astimezone(zone).date(), period)
    starts = [last]
    for _ in range(count - 1):
        starts.append(previous_period(starts[-1], period))
    starts.reverse()
    end = next_period(last, period)
    rows = await repository.figures_between(
        context.session, runner_id, _local_midnight(starts[0], zone), _local_midnight(end, zone)
    )
    sums: dict[date, _Sum] = defaultdict(_Sum)
    for started_at, distance_m, moving_time_s, elevation_gain_m in rows:
        bucket = sums[period_start(started_at.astimezone(zone).date(), period)]
        bucket.count += 1
        bucket.distance_m += distance_m
        bucket.moving_time_s += moving_time_s
        bucket.elevation_gain_m += elevation_gain_m or 0.0
    return PeriodTotals(
        period=period,
        time_zone=zone.key,
        totals=[
            Totals(
                start=start,
                count=(s := sums.get(start, _Sum())).count,
                distance_m=round(s.distance_m, 1),
                moving_time_s=round(s.moving_time_s, 1),
                elevation_gain_m=round(s.elevation_gain_m, 1),
                average_pace_s_per_km=pace(s.distance_m, s.moving_time_s),
            )
            for start in starts
        ],
    )


async def personal_bests(context: Context, runner_id: str) -> PersonalBests:
    rows = await repository.fastest_efforts(context.session, runner_id)
    return PersonalBests(
        best_efforts=[
            PersonalBest(
                name=effort.name,
                distance_m=effort.distance_m,
                elapsed_s=effort.elapsed_s,
                pace_s_per_km=pace(effort.distance_m, effort.elapsed_s) or 0.0,
                run_id=effort.run_id,
                run_started_at=started_at,
                start_offset_s=effort.start_offset_s,
            )
            for effort, started_at in rows
        ]
    )
