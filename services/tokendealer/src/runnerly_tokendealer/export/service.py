"""The token dealer's part of a runner's data export: their login sessions.

Read through the tokens feature's door. Refresh tokens are said to exist,
never exported (not even their hashes).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from runnerly_tokendealer.export.schemas import (
    LoginSessionRecord,
    SessionStatus,
    TokenDealerExport,
)
from runnerly_tokendealer.tokens.service import LoginSession, sessions_of


def _status(login: LoginSession, now: datetime) -> SessionStatus:
    if login.revoked_at is not None:
        return "revoked"
    if login.expires_at is None or login.expires_at <= now:
        return "expired"
    return "active"


async def export(session: AsyncSession, runner_id: str, now: datetime) -> TokenDealerExport:
    """Every login session of the runner, with its state at ``now``."""
    records = [
        LoginSessionRecord(
            id=login.id,
            client_id=login.client_id,
            scopes=login.scopes,
            status=_status(login, now),
            created_at=login.created_at,
            last_used_at=login.last_used_at,
            expires_at=login.expires_at,
            refresh_tokens_issued=login.refresh_tokens_issued,
            revoked_at=login.revoked_at,
            revoked_reason=login.revoked_reason,
        )
        for login in await sessions_of(session, runner_id)
    ]
    return TokenDealerExport(
        active_sessions=sum(record.status == "active" for record in records), sessions=records
    )
