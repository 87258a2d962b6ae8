"""What can go wrong when calling Strava, as the job worker and the endpoints need to tell apart."""

from __future__ import annotations

from datetime import datetime


class StravaError(Exception):
    """Strava could not be reached or answered with an error worth trying again later."""


class StravaRateLimited(StravaError):
    """Strava's rate limit is spent (a 429), or near enough that we stopped calling."""

    def __init__(self, resume_at: datetime, *, called: bool) -> None:
        super().__init__(f"Strava's rate limit: resume at {resume_at.isoformat()}")
        self.resume_at = resume_at
        #: False when we stopped before calling (usage near the limit), True for a 429.
        self.called = called


class StravaUnauthorized(StravaError):
    """A 401 on an API call: the access token expired early or was revoked."""


class StravaRefused(StravaError):
    """Strava refused a token exchange or refresh (400/401): the grant is gone."""


class StravaNotFound(StravaError):
    """The resource does not exist (or is no longer visible to us): 404."""
