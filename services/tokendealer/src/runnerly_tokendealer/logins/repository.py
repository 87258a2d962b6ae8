"""SQL of login throttling."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from runnerly_tokendealer.models import LoginThrottle


async def find(session: AsyncSession, key_hashes: Sequence[str]) -> Sequence[LoginThrottle]:
    """The throttle records of these keys that exist."""
    result = await session.scalars(
        select(LoginThrottle).where(LoginThrottle.key_hash.in_(key_hashes))
    )
    return result.all()


async def get(session: AsyncSession, key_hash: str) -> LoginThrottle | None:
    """One key's record, if any."""
    return await session.get(LoginThrottle, key_hash)


def add(session: AsyncSession, record: LoginThrottle) -> None:
    """Stage a new record."""
    session.add(record)


async def forget(session: AsyncSession, key_hash: str) -> None:
    """Clear a key's failures (after a successful login)."""
    await session.execute(delete(LoginThrottle).where(LoginThrottle.key_hash == key_hash))
