"""Every query on the session rows."""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from runnerly_dashboard.models import BrowserSession


async def by_key(session: AsyncSession, key_hash: str) -> BrowserSession | None:
    """The row of a cookie, by the cookie's hash."""
    found: BrowserSession | None = await session.scalar(
        select(BrowserSession).where(BrowserSession.key_hash == key_hash)
    )
    return found


async def by_id(session: AsyncSession, session_id: uuid.UUID) -> BrowserSession | None:
    """The row with this id."""
    return await session.get(BrowserSession, session_id)


def add(session: AsyncSession, row: BrowserSession) -> None:
    """Insert a new session row."""
    session.add(row)


async def delete_one(session: AsyncSession, session_id: uuid.UUID) -> None:
    """Forget one session."""
    await session.execute(delete(BrowserSession).where(BrowserSession.id == session_id))


async def delete_runner(session: AsyncSession, runner_id: str) -> int:
    """Forget every session of a runner; how many there were."""
    result = await session.execute(
        delete(BrowserSession).where(BrowserSession.runner_id == runner_id)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def delete_expired(
    session: AsyncSession, *, idle_before: datetime, created_before: datetime
) -> int:
    """Forget the sessions unused since ``idle_before`` or begun before ``created_before``."""
    result = await session.execute(
        delete(BrowserSession).where(
            or_(
                BrowserSession.last_seen_at < idle_before,
                BrowserSession.created_at < created_before,
            )
        )
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def touch(session: AsyncSession, session_id: uuid.UUID, now: datetime) -> None:
    """Record that the session was used."""
    await session.execute(
        update(BrowserSession).where(BrowserSession.id == session_id).values(last_seen_at=now)
    )


async def claim_refresh(
    session: AsyncSession, session_id: uuid.UUID, version: int, now: datetime, until: datetime
) -> bool:
    """Take the lease to refresh the tokens of ``version``; False when another has it or the
    tokens changed meanwhile (one conditional UPDATE: safe between replicas)."""
    result = await session.execute(
        update(BrowserSession)
        .where(
            BrowserSession.id == session_id,
            BrowserSession.token_version == version,
            or_(
                BrowserSession.refreshing_until.is_(None),
                BrowserSession.refreshing_until < now,
            ),
        )
        .values(refreshing_until=until)
    )
    return int(getattr(result, "rowcount", 0) or 0) == 1


async def release_refresh(session: AsyncSession, session_id: uuid.UUID) -> None:
    """Give the lease back without new tokens (the token dealer could not be reached)."""
    await session.execute(
        update(BrowserSession).where(BrowserSession.id == session_id).values(refreshing_until=None)
    )
