"""The JSON of the link endpoints."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel, Field


class AuthorizationUrl(BaseModel):
    """Where to send the runner's browser to authorize Runnerly at Strava."""

    authorization_url: str = Field(description="Strava's authorization page, state included.")


class Connection(BaseModel):
    """The runner's link to Strava, as they see it."""

    #: False when no Strava application is configured here: connecting answers 503.
    configured: bool
    connected: bool
    athlete_id: int | None = None
    #: ``broken`` when Strava stopped accepting our tokens: connect again.
    status: Literal["active", "broken"] | None = None
    scope: str | None = None
    connected_at: datetime | None = None
    last_synced_at: datetime | None = None
    backfill: Literal["pending", "running", "done"] | None = None


class SyncQueued(BaseModel):
    """A sync was queued."""

    status: Literal["queued"] = "queued"
