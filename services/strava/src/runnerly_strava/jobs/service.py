"""The job queue's door: what each feature may queue, and how the worker claims and settles.

A job is queued in the caller's transaction (it exists only if the change
that calls for it commits) and the workers are woken once it commits. What
each kind does is :mod:`runnerly_strava.sync.handlers`'s business; this
module only knows each kind's payload.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from runnerly_strava.jobs import repository
from runnerly_strava.models import JobKind, SyncJob

# ---------------------------------------------------------------- queueing


def queue_listing(
    session: AsyncSession,
    runner_id: str,
    now: datetime,
    *,
    after: int | None,
    backfill: bool,
    page: int = 1,
) -> None:
    """List a page of the athlete's activities (``after``: a sync; none: the backfill)."""
    payload = {"page": page, "after": after, "backfill": backfill}
    repository.enqueue(session, JobKind.list_page, runner_id, now, payload=payload)


def queue_fetch(session: AsyncSession, runner_id: str, activity_id: int, now: datetime) -> None:
    """Bring one activity from Strava into runs (or out of it, if it is gone)."""
    repository.enqueue(session, JobKind.fetch_activity, runner_id, now, activity_id=activity_id)


def queue_deauthorization_check(session: AsyncSession, runner_id: str, now: datetime) -> None:
    """Strava says the athlete revoked us: confirm it before forgetting the link."""
    repository.enqueue(session, JobKind.deauthorized, runner_id, now)


def queue_revocation(
    session: AsyncSession,
    runner_id: str,
    now: datetime,
    *,
    access_token: str,
    refresh_token: str,
) -> None:
    """Revoke our access at Strava with these tokens (as stored: encrypted for the runner)."""
    payload = {"access_token": access_token, "refresh_token": refresh_token}
    repository.enqueue(session, JobKind.deauthorize, runner_id, now, payload=payload)


def queue_forget_runs(session: AsyncSession, runner_id: str, now: datetime) -> None:
    """Ask runs to forget the runner's Strava activities."""
    repository.enqueue(session, JobKind.forget_runs, runner_id, now)


async def drop_runner_jobs(
    session: AsyncSession, runner_id: str, kinds: Collection[str] | None = None
) -> None:
    """Forget the runner's queued jobs (of ``kinds``, if given)."""
    await repository.delete_for_runner(session, runner_id, kinds)


# ---------------------------------------------------------------- the worker's side


async def claim_due(
    session: AsyncSession,
    now: datetime,
    *,
    limit: int,
    lease_until: datetime,
    kinds: Collection[str] | None = None,
) -> Sequence[SyncJob]:
    """Claim up to ``limit`` due jobs (of ``kinds``, if given) until ``lease_until``."""
    return await repository.claim_due(
        session, now, limit=limit, lease_until=lease_until, kinds=kinds
    )


async def complete(session: AsyncSession, job: SyncJob) -> bool:
    """The job is done (or has nothing left to do); False if its lease was lost."""
    return await repository.complete(session, job)


async def reschedule(
    session: AsyncSession, job: SyncJob, *, at: datetime, attempts: int, error: str | None
) -> None:
    """Try the job again at ``at``."""
    await repository.reschedule(session, job, at=at, attempts=attempts, error=error)


async def fail(session: AsyncSession, job: SyncJob, *, attempts: int, error: str) -> None:
    """Give up on the job; it is kept (without any token it carried) for an operator."""
    await repository.fail(session, job, attempts=attempts, error=error)


async def next_due_at(
    session: AsyncSession, kinds: Collection[str] | None = None
) -> datetime | None:
    """When the next queued job (of ``kinds``) is due, if any is queued."""
    return await repository.next_due_at(session, kinds)
