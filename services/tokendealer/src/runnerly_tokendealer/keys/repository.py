"""SQL of the key ring."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, or_, select, text
from sqlalchemy.ext.asyncio import AsyncSession

from runnerly_tokendealer.models import SigningKey

# Any constant works; it only has to be the same in every replica.
_KEYRING_LOCK_ID = 0x52554E4B  # "RUNK"


async def lock_keyring(session: AsyncSession) -> None:
    """Serialise key-ring maintenance across replicas for this transaction.

    On SQLite the write transaction already holds the database's only write
    lock; on PostgreSQL an advisory lock keeps two replicas from both creating
    the next key.
    """
    if session.get_bind().dialect.name == "postgresql":
        await session.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _KEYRING_LOCK_ID})


async def all_keys(session: AsyncSession) -> Sequence[SigningKey]:
    """Every key in the ring, oldest first."""
    result = await session.scalars(select(SigningKey).order_by(SigningKey.created_at))
    return result.all()


async def published_keys(session: AsyncSession, now: datetime) -> Sequence[SigningKey]:
    """Keys a verifier may meet: pending, active, and retired ones still in their window."""
    result = await session.scalars(
        select(SigningKey)
        .where(or_(SigningKey.unpublish_at.is_(None), SigningKey.unpublish_at > now))
        .order_by(SigningKey.created_at)
    )
    return result.all()


async def active_key(session: AsyncSession) -> SigningKey | None:
    """The key that signs now."""
    return await session.scalar(
        select(SigningKey).where(
            SigningKey.activated_at.is_not(None), SigningKey.retired_at.is_(None)
        )
    )


def add_key(session: AsyncSession, key: SigningKey) -> None:
    """Stage a new key."""
    session.add(key)


async def delete_unpublished(session: AsyncSession, now: datetime) -> None:
    """Forget retired keys whose last token has expired."""
    await session.execute(
        delete(SigningKey).where(
            SigningKey.unpublish_at.is_not(None), SigningKey.unpublish_at <= now
        )
    )
