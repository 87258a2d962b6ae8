"""SQL of refresh tokens and their families."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from runnerly_tokendealer.models import RefreshToken, RefreshTokenFamily


def add_family(session: AsyncSession, family: RefreshTokenFamily) -> None:
    """Stage a new login session."""
    session.add(family)


def add_token(session: AsyncSession, token: RefreshToken) -> None:
    """Stage a refresh token."""
    session.add(token)


async def find_token(
    session: AsyncSession, token_hash: str
) -> tuple[RefreshToken, RefreshTokenFamily] | None:
    """A refresh token with its family, by the hash of its value."""
    row = (
        await session.execute(
            select(RefreshToken, RefreshTokenFamily)
            .join(RefreshTokenFamily, RefreshToken.family_id == RefreshTokenFamily.id)
            .where(RefreshToken.token_hash == token_hash)
        )
    ).first()
    return None if row is None else (row[0], row[1])


async def mark_used(session: AsyncSession, token_hash: str, now: datetime) -> bool:
    """Spend a refresh token; False when it was already spent (by a concurrent request too)."""
    result = await session.execute(
        update(RefreshToken)
        .where(RefreshToken.token_hash == token_hash, RefreshToken.used_at.is_(None))
        .values(used_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def revoke_family(session: AsyncSession, family_id: str, now: datetime, reason: str) -> bool:
    """End a login session: none of its refresh tokens works any more.

    False when it had ended already (or does not exist).
    """
    result = await session.execute(
        update(RefreshTokenFamily)
        .where(RefreshTokenFamily.id == family_id, RefreshTokenFamily.revoked_at.is_(None))
        .values(revoked_at=now, revoked_reason=reason)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def revoke_subject(
    session: AsyncSession, subject: str, now: datetime, reason: str, keep: str | None = None
) -> list[str]:
    """End every login session of one runner but ``keep``; returns the ids of those that were
    open."""
    query = update(RefreshTokenFamily).where(
        RefreshTokenFamily.subject == subject, RefreshTokenFamily.revoked_at.is_(None)
    )
    if keep is not None:
        query = query.where(RefreshTokenFamily.id != keep)
    result = await session.execute(
        query.values(revoked_at=now, revoked_reason=reason).returning(RefreshTokenFamily.id)
    )
    return list(result.scalars())


async def delete_subject(session: AsyncSession, subject: str) -> None:
    """Forget every login session of a runner (their refresh tokens go with them)."""
    families = select(RefreshTokenFamily.id).where(RefreshTokenFamily.subject == subject)
    # Explicit child delete: SQLite enforces ON DELETE CASCADE only with the
    # foreign-keys pragma, which a hand-opened connection may lack.
    await session.execute(delete(RefreshToken).where(RefreshToken.family_id.in_(families)))
    await session.execute(delete(RefreshTokenFamily).where(RefreshTokenFamily.subject == subject))
