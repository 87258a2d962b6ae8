"""The JSON of the Strava screen."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel


class Athlete(BaseModel):
    """The Strava athlete the runner is linked to."""

    id: int


class StravaScreen(BaseModel):
    """Whether Strava can be connected here, and the runner's link."""

    #: False when this Runnerly has no Strava application configured (connecting is off).
    configured: bool
    connected: bool
    athlete: Athlete | None = None
    last_sync_at: datetime | None = None
    #: ``broken`` when Strava stopped accepting our tokens: connect again.
    state: Literal["active", "broken"] | None = None
    #: Where the import of the runner's past Strava activities is.
    backfill: Literal["pending", "running", "done"] | None = None


class AuthorizeUrl(BaseModel):
    """Where to send the browser: Strava's consent page."""

    authorize_url: str


class SyncQueued(BaseModel):
    """A sync of the runner's recent Strava activities was queued."""

    status: Literal["queued"] = "queued"
