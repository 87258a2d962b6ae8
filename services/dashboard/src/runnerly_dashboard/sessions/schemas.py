"""The JSON of the session endpoints."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from runnerly_dashboard.shapes import Profile


class SessionState(BaseModel):
    """The browser's session: the token to send as ``X-CSRF-Token``, and who is logged in."""

    csrf_token: str
    runner: Profile | None


class LoggedIn(BaseModel):
    """The session after logging in (its CSRF token is new)."""

    csrf_token: str
    runner: Profile


class Credentials(BaseModel):
    """An email and a password (checked by the token dealer; not validated further here, so
    that every wrong login gets the same answer)."""

    model_config = ConfigDict(extra="forbid")

    email: str = Field(min_length=1, max_length=320)
    password: str = Field(min_length=1, max_length=1024)
