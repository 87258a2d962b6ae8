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


async def runner_jobs(session: AsyncSession, runner_id: str) -> Sequence[SyncJob]:
    """The runner's sync jobs, queued or failed (their data export)."""
    return await repository.jobs_of(session, runner_id)


async def drop_runner_jobs(
    session: AsyncSession, runner_id: str, kinds: Collection[str] | None = None
) -> None:
    """Forget the runner's queued jobs (of ``kinds``, if given)."""
    await repository.delete_for_runner(session, runner_id, kinds)


# ---------------------------------------------------------------- the worker's side

# The worker claims and settles jobs exactly as the repository does them: no rule
# stands between, so the door hands the repository's functions out as they are.
claim_due = repository.claim_due
complete = repository.complete
reschedule = repository.reschedule
fail = repository.fail
next_due_at = repository.next_due_at
