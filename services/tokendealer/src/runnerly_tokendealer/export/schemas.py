"""What the token dealer's part of a data export holds."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import BaseModel

#: Why the export holds no login throttle state (it exists, but is not the runner's by id).
THROTTLE_NOTE = (
    "Failed logins are counted under a SHA-256 of the email address typed and of the "
    "client address, never under a runner's id: the token dealer cannot tell which "
    "counters are yours, and forgets each one at the next successful login or when it expires."
)


SessionStatus = Literal["active", "revoked", "expired"]


class LoginSessionRecord(BaseModel):
    """One login session (a refresh-token family): where, when, and how it ended."""

    id: str
    client_id: str
    scopes: list[str]
    status: SessionStatus
    created_at: datetime
    last_used_at: datetime | None
    expires_at: datetime | None
    refresh_tokens_issued: int
    revoked_at: datetime | None
    revoked_reason: str | None


class TokenDealerExport(BaseModel):
    """Everything the token dealer keeps about a runner."""

    #: "3 active sessions": how many of ``sessions`` still work.
    active_sessions: int
    sessions: list[LoginSessionRecord]
    refresh_tokens: str = "Kept only as SHA-256 hashes of their values, which are not exported."
    login_throttle: str = THROTTLE_NOTE
