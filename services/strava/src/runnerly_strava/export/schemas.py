"""What the strava service's part of a data export holds."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

TOKENS_NOTE = (
    "Strava's access and refresh tokens for your athlete are kept encrypted while you are "
    "connected, and while a disconnection is being revoked at Strava; they are not exported."
)
ACTIVITIES_NOTE = (
    "The activities imported from Strava are runs of the runs service: its export lists "
    "them, each with a source 'strava' whose source_id is the Strava activity id, and its date."
)


class StravaLinkRecord(BaseModel):
    """The link between the runner and their Strava athlete."""

    athlete_id: int
    #: ``broken`` when Strava stopped accepting our tokens.
    status: str
    #: The scopes the athlete granted.
    scopes: list[str]
    connected_at: datetime
    last_synced_at: datetime | None
    #: Start of the latest activity seen: the periodic sync asks for newer ones.
    last_activity_at: datetime | None
    backfill: str
    next_sync_at: datetime
    tokens: str = TOKENS_NOTE


class AuthorizationRequest(BaseModel):
    """A "connect Strava" started by the runner (its state is kept only as a hash)."""

    created_at: datetime
    expires_at: datetime
    used_at: datetime | None


class SyncJobRecord(BaseModel):
    """One unit of sync work for the runner, queued or given up on."""

    kind: str
    activity_id: int | None
    status: str
    attempts: int
    created_at: datetime
    next_attempt_at: datetime
    last_error: str | None


class StravaExport(BaseModel):
    """Everything the strava service keeps about a runner."""

    link: StravaLinkRecord | None
    authorization_requests: list[AuthorizationRequest]
    sync_jobs: list[SyncJobRecord]
    activities: str = ACTIVITIES_NOTE
