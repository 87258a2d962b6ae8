"""SQL of the job queue: enqueue in the caller's transaction, claim with a lease, settle.

A job is claimed by a conditional ``UPDATE`` that sets a fresh ``lease_id``
and moves ``next_attempt_at`` to the end of the lease, only where the job is
still queued and due: of two workers (or replicas) racing for a job, one
update matches. Its outcome is written only under the same ``lease_id``, so a
worker that overran its lease (and whose job another worker took) changes
nothing. On PostgreSQL rows being claimed by another replica are skipped.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from runnerly_kit import doorbell
from runnerly_strava.models import JobKind, JobStatus, SyncJob


def enqueue(
    session: AsyncSession,
    kind: JobKind,
    runner_id: str,
    now: datetime,
    *,
    activity_id: int | None = None,
    payload: dict[str, Any] | None = None,
) -> SyncJob:
    """Add a job to the caller's transaction; the workers are woken once it commits."""
    job = SyncJob(
        id=uuid.uuid4(),
        kind=kind,
        runner_id=runner_id,
        activity_id=activity_id,
        payload=payload or {},
        status=JobStatus.queued,
        attempts=0,
        next_attempt_at=now,
        created_at=now,
    )
    session.add(job)
    doorbell.ring_after_commit(session)
    return job


async def claim_due(
    session: AsyncSession,
    now: datetime,
    *,
    limit: int,
    lease_until: datetime,
    kinds: Collection[str] | None = None,
) -> Sequence[SyncJob]:
    """Claim up to ``limit`` due jobs (of ``kinds``, if given) until ``lease_until``."""
    query = (
        select(SyncJob)
        .where(SyncJob.status == JobStatus.queued, SyncJob.next_attempt_at <= now)
        .order_by(SyncJob.next_attempt_at, SyncJob.created_at)
        .limit(limit)
    )
    if kinds is not None:
        query = query.where(SyncJob.kind.in_(list(kinds)))
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    candidates = (await session.scalars(query)).all()
    claimed: list[SyncJob] = []
    for job in candidates:
        lease = uuid.uuid4()
        result = await session.execute(
            update(SyncJob)
            .where(
                SyncJob.id == job.id,
                SyncJob.status == JobStatus.queued,
                SyncJob.next_attempt_at <= now,
            )
            .values(lease_id=lease, next_attempt_at=lease_until)
            .execution_options(synchronize_session=False)
        )
        if getattr(result, "rowcount", 0):
            job.lease_id = lease
            claimed.append(job)
    return claimed


async def complete(session: AsyncSession, job: SyncJob) -> bool:
    """The job is done: delete it (under its lease). False if the lease was lost."""
    result = await session.execute(
        delete(SyncJob)
        .where(SyncJob.id == job.id, SyncJob.lease_id == job.lease_id)
        .execution_options(synchronize_session=False)
    )
    return bool(getattr(result, "rowcount", 0))


async def reschedule(
    session: AsyncSession,
    job: SyncJob,
    *,
    at: datetime,
    attempts: int,
    error: str | None,
    payload: dict[str, Any] | None = None,
) -> None:
    """Put the job back in the queue, due at ``at``."""
    values: dict[str, Any] = {
        "next_attempt_at": at,
        "attempts": attempts,
        "last_error": error,
        "lease_id": None,
    }
    if payload is not None:
        values["payload"] = payload
    await session.execute(
        update(SyncJob)
        .where(SyncJob.id == job.id, SyncJob.lease_id == job.lease_id)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


async def fail(session: AsyncSession, job: SyncJob, *, attempts: int, error: str) -> None:
    """Give up on the job; it is kept (without any token it carried) for an operator."""
    await session.execute(
        update(SyncJob)
        .where(SyncJob.id == job.id, SyncJob.lease_id == job.lease_id)
        .values(
            status=JobStatus.failed,
            attempts=attempts,
            last_error=error,
            lease_id=None,
            payload={},
        )
        .execution_options(synchronize_session=False)
    )


async def jobs_of(session: AsyncSession, runner_id: str) -> Sequence[SyncJob]:
    """The runner's jobs, queued or failed, oldest first."""
    result = await session.scalars(
        select(SyncJob).where(SyncJob.runner_id == runner_id).order_by(SyncJob.created_at)
    )
    return result.all()


async def delete_for_runner(
    session: AsyncSession, runner_id: str, kinds: Collection[str] | None = None
) -> None:
    """Forget the runner's jobs (of ``kinds``, if given)."""
    query = delete(SyncJob).where(SyncJob.runner_id == runner_id)
    if kinds is not None:
        query = query.where(SyncJob.kind.in_(list(kinds)))
    await session.execute(query.execution_options(synchronize_session=False))


async def next_due_at(
    session: AsyncSession, kinds: Collection[str] | None = None
) -> datetime | None:
    """When the next queued job (of ``kinds``) is due, if any is queued."""
    query = select(func.min(SyncJob.next_attempt_at)).where(SyncJob.status == JobStatus.queued)
    if kinds is not None:
        query = query.where(SyncJob.kind.in_(list(kinds)))
    return await session.scalar(query)
