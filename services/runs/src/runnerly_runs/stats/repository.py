"""SQL of the statistics: the figures of a runner's runs in a time range, and their best efforts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Row, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from runnerly_runs.models import BestEffortRecord, Run


async def figures_between(
    session: AsyncSession, runner_id: str, start: datetime, end: datetime
) -> Sequence[Row[datetime, float, float, float | None]]:
    """(started_at, distance, moving time, elevation gain) of the runs started in [start, end)."""
    query = select(Run.started_at, Run.distance_m, Run.moving_time_s, Run.elevation_gain_m).where(
        Run.runner_id == runner_id, Run.started_at >= start, Run.started_at < end
    )
    return (await session.execute(query)).all()


async def fastest_efforts(
    session: AsyncSession, runner_id: str
) -> Sequence[Row[BestEffortRecord, datetime]]:
    """For each distance, the runner's fastest effort (ties: the earliest run), with its start."""
    ranked = (
        select(
            BestEffortRecord.run_id,
            BestEffortRecord.name,
            func.row_number()
            .over(
                partition_by=BestEffortRecord.name,
                order_by=(BestEffortRecord.elapsed_s, Run.started_at),
            )
            .label("rank"),
        )
        .join(Run, Run.id == BestEffortRecord.run_id)
        .where(BestEffortRecord.runner_id == runner_id)
        .subquery()
    )
    query = (
        select(BestEffortRecord, Run.started_at)
        .join(Run, Run.id == BestEffortRecord.run_id)
        .join(
            ranked,
            (ranked.c.run_id == BestEffortRecord.run_id) & (ranked.c.name == BestEffortRecord.name),
        )
        .where(ranked.c.rank == 1)
        .order_by(BestEffortRecord.distance_m)
    )
    return (await session.execute(query)).all()
