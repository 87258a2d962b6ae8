"""SQL of refresh tokens and their families."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, func, select, update
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


async def families_of(
    session: AsyncSession, subject: str
) -> Sequence[tuple[RefreshTokenFamily, int, datetime | None, datetime | None]]:
    """A runner's login sessions, oldest first, each with how many refresh tokens it issued,
    when one was last exchanged, and when its newest one expires."""
    tokens = (
        select(
            RefreshToken.family_id,
            func.count().label("issued"),
            func.max(RefreshToken.used_at).label("last_used_at"),
            func.max(RefreshToken.expires_at).label("expires_at"),
        )
        .group_by(RefreshToken.family_id)
        .subquery()
    )
    rows = await session.execute(
        select(RefreshTokenFamily, tokens.c.issued, tokens.c.last_used_at, tokens.c.expires_at)
        .outerjoin(tokens, tokens.c.family_id == RefreshTokenFamily.id)
        .where(RefreshTokenFamily.subject == subject)
        .order_by(RefreshTokenFamily.created_at, RefreshTokenFamily.id)
    )
    return [(family, issued or 0, used, expires) for family, issued, used, expires in rows]
