"""The sync worker: claims due jobs, runs them a few at a time, settles each outcome.

Outcomes, by what the job raised:

- nothing: done, the row is deleted;
- :class:`StravaRateLimited` (a 429, or usage near the limit): postponed to
  the start of the next window, attempts unchanged: nothing is lost;
- :class:`LinkGone`: dropped (the link is gone or broken);
- :class:`BadJob`, :class:`RunsRejected`: failed, kept for an operator;
- anything else (Strava or runs away, a 5xx): retried with capped,
  jittered exponential backoff, failed after ``max_attempts``.

While Strava's usage is near the limit, only jobs that do not call Strava
(``forget_runs``) are claimed, and the worker sleeps until the window resets.

The worker also starts each link's periodic sync when it is due: the
conditional update of ``next_sync_at`` lets one replica win.
"""

from __future__ import annotations

import asyncio
import random
import time
from datetime import UTC, datetime, timedelta

from runnerly_kit import doorbell
from runnerly_kit.columns import utcnow
from runnerly_kit.logs import get_logger
from runnerly_kit.runtime import Runtime
from runnerly_strava.dependencies import Components, components_of, settings_of
from runnerly_strava.jobs import service as jobs
from runnerly_strava.links import service as links
from runnerly_strava.models import STRAVA_KINDS, JobKind, SyncJob
from runnerly_strava.runs_api import RunsRejected
from runnerly_strava.strava.errors import StravaRateLimited
from runnerly_strava.sync.handlers import BadJob, JobContext, run_job
from runnerly_strava.sync.tokens import LinkGone

_log = get_logger("runnerly.strava.worker")
_MIN_WAIT_SECONDS = 0.02
_OTHER_KINDS = frozenset(JobKind) - STRAVA_KINDS
#: The paced API calls a job makes when all goes well, reserved before it starts.
CALLS_PER_JOB = {JobKind.list_page: 1, JobKind.fetch_activity: 2}


async def run_sync_worker(runtime: Runtime) -> None:
    """The worker loop, until cancelled (then it closes the Strava client)."""
    settings = settings_of(runtime)
    components = components_of(runtime)
    context = JobContext(runtime.db, settings, components)
    if not settings.worker_enabled:
        await _close_when_cancelled(components)
        return
    bell = doorbell.Doorbell()
    doorbell.register(runtime.db, bell)
    sweep_every = min(60.0, settings.sync_interval_seconds / 4)
    next_sweep = time.monotonic()
    try:
        while True:
            bell.reset()
            wait = settings.poll_seconds
            try:
                if time.monotonic() >= next_sweep:
                    next_sweep = time.monotonic() + sweep_every
                    await start_periodic_syncs(context)
                claimed, wait = await run_due_jobs(context)
                if claimed >= settings.batch_size:
                    continue
            except Exception:  # the database is away (or a bug): try again next round
                _log.exception("strava_sync_round_failed")
            await bell.wait(wait)
    finally:
        doorbell.unregister(runtime.db, bell)
        await components.strava_http.aclose()


async def _close_when_cancelled(components: Components) -> None:
    try:
        await asyncio.Event().wait()
    finally:
        await components.strava_http.aclose()


async def run_due_jobs(context: JobContext) -> tuple[int, float]:
    """Claim and run one batch; how many were claimed, and how long to wait for the next."""
    settings = context.settings
    limiter = context.components.strava.limiter
    paused = limiter.paused_until()
    kinds = _OTHER_KINDS if paused is not None else None
    now = utcnow()
    async with context.db.transaction() as session:
        claimed = await jobs.claim_due(
            session,
            now,
            limit=settings.batch_size,
            lease_until=now + timedelta(seconds=settings.lease_seconds),
            kinds=kinds,
        )
    if claimed:
        gate = asyncio.Semaphore(settings.concurrency)

        async def one(job: SyncJob) -> None:
            async with gate:
                await _run(context, job)

        await asyncio.gather(*(one(job) for job in claimed))
        context.components.metrics.observe(limiter)
    wait = settings.poll_seconds
    async with context.db.transaction(write=False) as session:
        due = await jobs.next_due_at(session, kinds)
    if due is not None:
        wait = min(wait, max((due - utcnow()).total_seconds(), _MIN_WAIT_SECONDS))
    paused = limiter.paused_until()
    if paused is not None:
        wait = min(wait, max(paused - time.time(), _MIN_WAIT_SECONDS))
    return len(claimed), wait


async def _run(context: JobContext, job: SyncJob) -> None:
    metrics = context.components.metrics
    fields = {"job_id": str(job.id), "kind": job.kind, "runner_id": job.runner_id}
    attempts = job.attempts + 1
    try:
        await _run_within_budget(context, job)
    except StravaRateLimited as limited:
        async with context.db.transaction() as session:
            await jobs.reschedule(
                session, job, at=limited.resume_at, attempts=job.attempts, error=str(limited)
            )
        metrics.count(job.kind, "postponed")
        _log.info("strava_job_postponed", resume_at=limited.resume_at.isoformat(), **fields)
        return
    except LinkGone as gone:
        async with context.db.transaction() as session:
            await jobs.complete(session, job)
        metrics.count(job.kind, "dropped")
        _log.info("strava_job_dropped", reason=str(gone), **fields)
        return
    except (BadJob, RunsRejected) as refused:
        await _fail(context, job, attempts, f"{type(refused).__name__}: {refused}")
        return
    except Exception as exc:  # this job's failure, not the worker's
        error = f"{type(exc).__name__}: {exc}"
        if attempts >= context.settings.max_attempts:
            await _fail(context, job, attempts, error)
            return
        at = utcnow() + timedelta(seconds=_backoff(context, attempts))
        async with context.db.transaction() as session:
            await jobs.reschedule(session, job, at=at, attempts=attempts, error=error)
        metrics.count(job.kind, "retry")
        _log.warning("strava_job_retry", error=error, attempt=attempts, **fields)
        return
    async with context.db.transaction() as session:
        await jobs.complete(session, job)
    metrics.count(job.kind, "done")


async def _run_within_budget(context: JobContext, job: SyncJob) -> None:
    # All the job's calls are reserved up front, so it is not stopped halfway.
    limiter = context.components.strava.limiter
    calls = CALLS_PER_JOB.get(JobKind(job.kind), 0)
    if calls and (resume := limiter.reserve(calls)) is not None:
        raise StravaRateLimited(datetime.fromtimestamp(resume, UTC), called=False)
    with limiter.budget(calls):
        await run_job(context, job)


async def _fail(context: JobContext, job: SyncJob, attempts: int, error: str) -> None:
    async with context.db.transaction() as session:
        await jobs.fail(session, job, attempts=attempts, error=error)
    context.components.metrics.count(job.kind, "failed")
    _log.error(
        "strava_job_failed", job_id=str(job.id), kind=job.kind, runner_id=job.runner_id, error=error
    )


def _backoff(context: JobContext, attempts: int) -> float:
    settings = context.settings
    ceiling = min(settings.retry_cap_seconds, settings.retry_base_seconds * 2.0 ** (attempts - 1))
    # Half fixed, half jitter: retries of jobs that failed together spread out.
    return ceiling / 2 + random.uniform(0, ceiling / 2)  # noqa: S311 - not for security


async def start_periodic_syncs(context: JobContext) -> None:
    """Queue a listing of recent activities for every link whose periodic sync is due."""
    now = utcnow()
    async with context.db.transaction(write=False) as session:
        due = await links.due_for_sync(session, now, limit=100)
    for link in due:
        async with context.db.transaction() as session:
            # Another replica may have taken this turn: then nothing is queued.
            await links.start_periodic_sync(session, context.settings, link, now)
