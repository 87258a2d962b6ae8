"""The strava service's part of a runner's data export, read through the links and jobs doors.

Tokens (in the link and in a revocation job's payload) and OAuth state hashes
are said to exist, never exported.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from runnerly_strava.export.schemas import (
    AuthorizationRequest,
    StravaExport,
    StravaLinkRecord,
    SyncJobRecord,
)
from runnerly_strava.jobs import service as jobs
from runnerly_strava.links import service as links


async def export(session: AsyncSession, runner_id: str) -> StravaExport:
    """Everything kept about the runner: the link, authorization requests, sync jobs."""
    link = await links.link_of(session, runner_id)
    return StravaExport(
        link=None
        if link is None
        else StravaLinkRecord(
            athlete_id=link.athlete_id,
            status=link.status,
            scopes=[scope for scope in link.scope.split(",") if scope],
            connected_at=link.connected_at,
            last_synced_at=link.last_synced_at,
            last_activity_at=link.last_activity_at,
            backfill=link.backfill,
            next_sync_at=link.next_sync_at,
        ),
        authorization_requests=[
            AuthorizationRequest(
                created_at=state.created_at, expires_at=state.expires_at, used_at=state.used_at
            )
            for state in await links.authorization_requests_of(session, runner_id)
        ],
        sync_jobs=[
            SyncJobRecord(
                kind=job.kind,
                activity_id=job.activity_id,
                status=job.status,
                attempts=job.attempts,
                created_at=job.created_at,
                next_attempt_at=job.next_attempt_at,
                last_error=job.last_error,
            )
            for job in await jobs.runner_jobs(session, runner_id)
        ],
    )
