"""What each kind of sync job does.

Webhook events are hints, never trusted as facts: Strava's push events are
not signed, so every one is checked against Strava's API with the athlete's
token before anything changes in runs.

- ``list_page``: one page of ``/athlete/activities`` (``after`` for the
  periodic sync, none for the backfill); each running activity becomes a
  ``fetch_activity`` job, and a non-empty page queues the next page. The
  empty page ends the listing: the link is marked synced (and backfilled).
- ``fetch_activity``: ``GET /activities/{id}``. A running activity is fetched
  with its streams and upserted into runs (idempotent on the Strava id); one
  that is not (a Run turned into a Ride) or that is gone (404: deleted) is
  deleted in runs.
- ``deauthorized``: Strava says the athlete revoked us. A token refresh
  confirms it (refused), then the link is forgotten and runs asked to forget
  the runner's Strava data. A refresh that works means the event was stale
  or forged: nothing changes.
- ``deauthorize``: revoke our access at Strava with the tokens the job
  carries (encrypted), refreshing them once if Strava says they expired.
- ``forget_runs``: ask runs to forget the runner's Strava activities.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from runnerly_kit.columns import utcnow
from runnerly_kit.db import Database
from runnerly_kit.logs import get_logger
from runnerly_strava.activities import is_run, parse_time, run_body
from runnerly_strava.dependencies import Components
from runnerly_strava.jobs import service as jobs
from runnerly_strava.links import service as links
from runnerly_strava.models import JobKind, SyncJob
from runnerly_strava.settings import StravaSettings
from runnerly_strava.strava.errors import StravaNotFound, StravaRefused, StravaUnauthorized
from runnerly_strava.sync.tokens import AthleteTokens, LinkGone

_log = get_logger("runnerly.strava.sync")


class BadJob(Exception):
    """The job cannot be done as written (a missing field): give up on it."""


@dataclass(frozen=True)
class JobContext:
    """What a job handler works with."""

    db: Database
    settings: StravaSettings
    components: Components

    def tokens(self, runner_id: str) -> AthleteTokens:
        """The tokens of a runner's link."""
        return AthleteTokens(self.db, self.settings, self.components, runner_id)


async def run_job(context: JobContext, job: SyncJob) -> None:
    """Do ``job``; raise to have it retried, postponed or given up (see the worker)."""
    kind = JobKind(job.kind)
    if kind is JobKind.list_page:
        await list_page(context, job)
    elif kind is JobKind.fetch_activity:
        await fetch_activity(context, job)
    elif kind is JobKind.deauthorized:
        await confirm_deauthorization(context, job)
    elif kind is JobKind.deauthorize:
        await deauthorize(context, job)
    elif kind is JobKind.forget_runs:
        await context.components.runs.forget_runner(job.runner_id)


async def list_page(context: JobContext, job: SyncJob) -> None:
    """One page of the athlete's activities."""
    page = int(job.payload.get("page", 1))
    after = job.payload.get("after")
    backfill = bool(job.payload.get("backfill", False))
    strava = context.components.strava
    tokens = context.tokens(job.runner_id)
    activities = await tokens.call(
        lambda token: strava.list_activities(
            token,
            page=page,
            per_page=context.settings.page_size,
            after=int(after) if after is not None else None,
        )
    )
    now = utcnow()
    async with context.db.transaction() as session:
        if await links.link_of(session, job.runner_id) is None:
            return
        starts = [start for a in activities if (start := parse_time(a.get("start_date")))]
        if starts:
            await links.note_activity_start(session, job.runner_id, max(starts))
        for activity in activities:
            if is_run(activity) and isinstance(activity.get("id"), int):
                jobs.queue_fetch(session, job.runner_id, activity["id"], now)
        if activities:
            jobs.queue_listing(
                session, job.runner_id, now, page=page + 1, after=after, backfill=backfill
            )
            if backfill and page == 1:
                await links.backfill_started(session, job.runner_id)
        else:
            await links.sync_completed(session, job.runner_id, now, backfill=backfill)
    _log.info(
        "strava_page_listed",
        runner_id=job.runner_id,
        page=page,
        activities=len(activities),
        backfill=backfill,
    )


async def fetch_activity(context: JobContext, job: SyncJob) -> None:
    """Bring one activity from Strava into runs (or out of it)."""
    activity_id = job.activity_id
    if activity_id is None:
        raise BadJob("fetch_activity without an activity id")
    strava = context.components.strava
    runs = context.components.runs
    tokens = context.tokens(job.runner_id)
    try:
        activity = await tokens.call(lambda token: strava.get_activity(token, activity_id))
    except StravaNotFound:
        await runs.remove(job.runner_id, activity_id)
        _log.info("strava_activity_gone", runner_id=job.runner_id, activity_id=activity_id)
        return
    owner = (activity.get("athlete") or {}).get("id")
    if owner is not None and tokens.athlete_id is not None and owner != tokens.athlete_id:
        raise BadJob("the activity belongs to another athlete")
    if not is_run(activity):
        await runs.remove(job.runner_id, activity_id)
        _log.info("strava_activity_not_a_run", runner_id=job.runner_id, activity_id=activity_id)
        return
    try:
        streams: dict[str, Any] | None = await tokens.call(
            lambda token: strava.get_streams(token, activity_id)
        )
    except StravaNotFound:
        streams = None  # a manual activity has no streams
    try:
        body = run_body(activity, streams)
    except ValueError as exc:
        raise BadJob(str(exc)) from exc
    status = await runs.upsert(job.runner_id, activity_id, body)
    now = utcnow()
    async with context.db.transaction() as session:
        started_at = parse_time(activity.get("start_date"))
        if started_at is not None:
            await links.note_activity_start(session, job.runner_id, started_at)
        await links.sync_completed(session, job.runner_id, now)
    _log.info(
        "strava_activity_synced", runner_id=job.runner_id, activity_id=activity_id, status=status
    )


async def confirm_deauthorization(context: JobContext, job: SyncJob) -> None:
    """Forget the link if Strava confirms the athlete revoked us."""
    tokens = context.tokens(job.runner_id)
    try:
        await tokens.refresh()
    except LinkGone:
        async with context.db.transaction() as session:
            await links.forget_revoked(session, job.runner_id, utcnow())
        _log.info("strava_link_deauthorized", runner_id=job.runner_id)
        return
    _log.warning("strava_deauthorization_not_confirmed", runner_id=job.runner_id)


async def deauthorize(context: JobContext, job: SyncJob) -> None:
    """Revoke our access at Strava with the tokens the job carries."""
    cipher = context.components.cipher
    strava = context.components.strava
    stored_access = job.payload.get("access_token")
    stored_refresh = job.payload.get("refresh_token")
    if not isinstance(stored_access, str) or not isinstance(stored_refresh, str):
        raise BadJob("deauthorize without tokens")
    access = cipher.decrypt(stored_access, runner_id=job.runner_id, purpose="access")
    try:
        await strava.deauthorize(access)
    except StravaUnauthorized:
        refresh = cipher.decrypt(stored_refresh, runner_id=job.runner_id, purpose="refresh")
        try:
            tokens = await strava.refresh(refresh)
        except StravaRefused:
            return  # nothing to revoke any more
        try:
            await strava.deauthorize(tokens.access_token)
        except StravaUnauthorized:
            return
    except StravaNotFound:
        return
    _log.info("strava_deauthorized", runner_id=job.runner_id)
