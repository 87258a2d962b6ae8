"""SQL and ORM writes of the runs feature: a runner's runs, their sources, series and efforts."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from sqlalchemy import and_, bindparam, delete, func, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from runnerly_kit.db import Database, QuickRead
from runnerly_runs.models import BestEffortRecord, Run, RunSeries, RunSource
from runnerly_runs.tracks import BestEffort

_LOCKED_RUNNERS = "runnerly_runs_locked_runners"


async def lock_runner(session: AsyncSession, runner_id: str) -> None:
    """Serialise writers of one runner's runs until the transaction ends.

    De-duplication reads ("is this run already here?") and then writes; two
    imports of the same run at once must not both decide it is new. SQLite
    writers are serialised already (``BEGIN IMMEDIATE``); PostgreSQL gets a
    transaction-scoped advisory lock keyed on the runner.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    # Held until the transaction ends: taking it again in the same one (an
    # upsert that then stores) would be one more round trip for nothing.
    held = session.info.setdefault(_LOCKED_RUNNERS, {})
    transaction = session.get_transaction()
    if held.get(runner_id) is transaction and transaction is not None:
        return
    await session.execute(
        text("SELECT pg_advisory_xact_lock(hashtextextended(:key, 0))"),
        {"key": f"runs:{runner_id}"},
    )
    held[runner_id] = session.get_transaction()


async def get_run(session: AsyncSession, run_id: str) -> Run | None:
    return await session.get(Run, run_id)


def add_run(session: AsyncSession, run: Run) -> None:
    """Stage a new run (written at the next flush)."""
    session.add(run)


async def delete_run(session: AsyncSession, run: Run) -> None:
    """Delete the run; its sources, series and efforts go with it (ON DELETE CASCADE)."""
    await session.delete(run)


def add_source(
    session: AsyncSession,
    run: Run,
    *,
    source: str,
    source_id: str,
    filename: str | None,
    added_at: datetime,
) -> RunSource:
    """Stage one more recording of ``run``."""
    row = RunSource(
        run_id=run.id,
        runner_id=run.runner_id,
        source=source,
        source_id=source_id,
        filename=filename,
        added_at=added_at,
    )
    session.add(row)
    return row


async def delete_source(session: AsyncSession, source: RunSource) -> int:
    """Forget one recording of a run; how many recordings the run has left."""
    await session.delete(source)
    await session.flush()
    return await count_sources(session, source.run_id)


async def sources_of(session: AsyncSession, run_id: str) -> list[RunSource]:
    rows = await session.scalars(
        select(RunSource).where(RunSource.run_id == run_id).order_by(RunSource.id)
    )
    return list(rows)


async def find_source(
    session: AsyncSession, runner_id: str, source: str, source_id: str
) -> RunSource | None:
    return await session.scalar(
        select(RunSource).where(
            RunSource.runner_id == runner_id,
            RunSource.source == source,
            RunSource.source_id == source_id,
        )
    )


async def runs_of_runner(session: AsyncSession, runner_id: str) -> Sequence[Run]:
    """Every run of the runner, oldest first."""
    result = await session.scalars(
        select(Run).where(Run.runner_id == runner_id).order_by(Run.started_at, Run.id)
    )
    return result.all()


async def runs_starting_near(
    session: AsyncSession, runner_id: str, started_at: datetime, window: timedelta
) -> list[Run]:
    """The runner's runs that started within ``window`` of ``started_at``, closest first."""
    rows = await session.scalars(
        select(Run).where(
            Run.runner_id == runner_id,
            Run.started_at >= started_at - window,
            Run.started_at <= started_at + window,
        )
    )
    return sorted(rows, key=lambda run: abs((run.started_at - started_at).total_seconds()))


async def page_of_runs(
    session: AsyncSession,
    runner_id: str,
    *,
    limit: int,
    before_key: tuple[datetime, str] | None = None,
    started_after: datetime | None = None,
    started_before: datetime | None = None,
) -> Sequence[Run]:
    """Up to ``limit`` runs, newest first, older than ``before_key`` (started_at, id)."""
    query = select(Run).where(Run.runner_id == runner_id)
    if before_key is not None:
        started, run_id = before_key
        query = query.where(
            or_(Run.started_at < started, and_(Run.started_at == started, Run.id < run_id))
        )
    if started_after is not None:
        query = query.where(Run.started_at >= started_after)
    if started_before is not None:
        query = query.where(Run.started_at < started_before)
    query = query.order_by(Run.started_at.desc(), Run.id.desc()).limit(limit)
    return (await session.scalars(query)).all()


#: One index seek on ``ix_runs_runner_started`` and a small LIMIT (at most 50):
#: it qualifies for the database's quick read path.
_LAST_LISTINGS = QuickRead(
    select(Run.listing_json)
    .where(Run.runner_id == bindparam("runner_id"))
    .order_by(Run.started_at.desc(), Run.id.desc())
    .limit(bindparam("limit"))
)


async def last_listings(db: Database, runner_id: str, limit: int) -> list[str]:
    """The pre-serialised listings of the runner's ``limit`` latest runs, newest first."""
    rows = await db.quick_read(_LAST_LISTINGS, runner_id=runner_id, limit=limit)
    return [row[0] for row in rows]


async def last_listings_in(session: AsyncSession, runner_id: str, limit: int) -> list[str]:
    """The same listings, read in the session's transaction (beside other reads of one answer)."""
    rows = await session.execute(_LAST_LISTINGS.statement, {"runner_id": runner_id, "limit": limit})
    return [row[0] for row in rows]


async def series_of(session: AsyncSession, run_id: str) -> RunSeries | None:
    return await session.get(RunSeries, run_id)


async def save_series(
    session: AsyncSession, run_id: str, points: int, data: bytes, *, replace: bool
) -> None:
    """Store the run's packed series; ``replace`` when the run may already have one."""
    stored = await series_of(session, run_id) if replace else None
    if stored is None:
        session.add(RunSeries(run_id=run_id, points=points, data=data))
    else:
        stored.points, stored.data = points, data


async def efforts_of(session: AsyncSession, run_id: str) -> list[BestEffortRecord]:
    rows = await session.scalars(
        select(BestEffortRecord)
        .where(BestEffortRecord.run_id == run_id)
        .order_by(BestEffortRecord.distance_m)
    )
    return list(rows)


async def replace_efforts(session: AsyncSession, run: Run, efforts: Sequence[BestEffort]) -> None:
    """The run's best efforts are now ``efforts`` (the run's row is written first)."""
    await session.flush()
    await session.execute(delete(BestEffortRecord).where(BestEffortRecord.run_id == run.id))
    session.add_all(
        BestEffortRecord(
            run_id=run.id,
            name=effort.name,
            runner_id=run.runner_id,
            distance_m=effort.distance_m,
            elapsed_s=effort.elapsed_s,
            start_offset_s=effort.start_offset_s,
        )
        for effort in efforts
    )


async def count_sources(session: AsyncSession, run_id: str) -> int:
    return int(await session.scalar(select(func.count()).where(RunSource.run_id == run_id)) or 0)


async def runs_with_source(session: AsyncSession, runner_id: str, source: str) -> list[RunSource]:
    rows = await session.scalars(
        select(RunSource).where(RunSource.runner_id == runner_id, RunSource.source == source)
    )
    return list(rows)


async def delete_runner(session: AsyncSession, runner_id: str) -> int:
    """Every run of the runner (sources, series and efforts go with them)."""
    # Children first: SQLite enforces ON DELETE CASCADE only per connection with
    # foreign keys on (the kit turns them on), but bulk deletes are explicit anyway.
    run_ids = select(Run.id).where(Run.runner_id == runner_id).scalar_subquery()
    for child in (RunSource, RunSeries, BestEffortRecord):
        await session.execute(delete(child).where(child.run_id.in_(run_ids)))
    result = await session.execute(delete(Run).where(Run.runner_id == runner_id))
    return int(result.rowcount or 0)  # type: ignore[attr-defined]
