"""SQL of the statistics: the figures of a runner's runs in a time range, and their best efforts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import Row, Select, bindparam, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from runnerly_runs.models import BestEffortRecord, Run

# Both statements are built once, at import, with bound parameters: building
# the window-function query anew cost about a tenth of the overview's CPU
# (bench/RESULTS.md, "Dashboard home screen"); SQLAlchemy's compiled cache does
# the rest.
_FIGURES_BETWEEN = select(
    Run.started_at, Run.distance_m, Run.moving_time_s, Run.elevation_gain_m
).where(
    Run.runner_id == bindparam("runner_id"),
    Run.started_at >= bindparam("start", type_=Run.started_at.type),
    Run.started_at < bindparam("end", type_=Run.started_at.type),
)


def _fastest_efforts() -> Select[BestEffortRecord, datetime]:
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
        .where(BestEffortRecord.runner_id == bindparam("runner_id"))
        .subquery()
    )
    return (
        select(BestEffortRecord, Run.started_at)
        .join(Run, Run.id == BestEffortRecord.run_id)
        .join(
            ranked,
            (ranked.c.run_id == BestEffortRecord.run_id) & (ranked.c.name == BestEffortRecord.name),
        )
        .where(ranked.c.rank == 1)
        .order_by(BestEffortRecord.distance_m)
    )


_FASTEST_EFFORTS = _fastest_efforts()


async def figures_between(
    session: AsyncSession, runner_id: str, start: datetime, end: datetime
) -> Sequence[Row[datetime, float, float, float | None]]:
    """(started_at, distance, moving time, elevation gain) of the runs started in [start, end)."""
    params = {"runner_id": runner_id, "start": start, "end": end}
    return (await session.execute(_FIGURES_BETWEEN, params)).all()


async def fastest_efforts(
    session: AsyncSession, runner_id: str
) -> Sequence[Row[BestEffortRecord, datetime]]:
    """For each distance, the runner's fastest effort (ties: the earliest run), with its start."""
    return (await session.execute(_FASTEST_EFFORTS, {"runner_id": runner_id})).all()
