"""SQL of accounts and one-time tokens; only the accounts service imports it (the other
features read and change accounts through that service)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from runnerly_users.models import OneTimeToken, User


def add_user(session: AsyncSession, user: User) -> None:
    """Stage a new account."""
    session.add(user)


async def find_by_email(session: AsyncSession, email: str) -> User | None:
    """The account with this (normalised) email."""
    result = await session.scalars(select(User).where(User.email == email))
    return result.first()


async def find_by_id(session: AsyncSession, user_id: str) -> User | None:
    """The account with this id."""
    return await session.get(User, user_id)


async def set_password_hash(session: AsyncSession, user_id: str, password_hash: str) -> None:
    """Replace a runner's password hash."""
    query = update(User).where(User.id == user_id).values(password_hash=password_hash)
    await session.execute(query)


async def delete_user(session: AsyncSession, user_id: str) -> None:
    """Delete an account and its tokens."""
    # Explicit child delete: SQLite enforces ON DELETE CASCADE only with the
    # foreign-keys pragma, which a hand-opened connection may lack.
    await session.execute(delete(OneTimeToken).where(OneTimeToken.user_id == user_id))
    await session.execute(delete(User).where(User.id == user_id))


def add_token(session: AsyncSession, token: OneTimeToken) -> None:
    """Stage a one-time token."""
    session.add(token)


async def discard_tokens(session: AsyncSession, user_id: str, purpose: str) -> None:
    """Delete a runner's unused tokens of one purpose (a newer one replaces them)."""
    await session.execute(
        delete(OneTimeToken).where(
            OneTimeToken.user_id == user_id,
            OneTimeToken.purpose == purpose,
            OneTimeToken.used_at.is_(None),
        )
    )


async def unused_tokens(
    session: AsyncSession, user_id: str, now: datetime
) -> Sequence[OneTimeToken]:
    """A runner's one-time tokens not used yet and not expired, oldest first."""
    result = await session.scalars(
        select(OneTimeToken)
        .where(
            OneTimeToken.user_id == user_id,
            OneTimeToken.used_at.is_(None),
            OneTimeToken.expires_at > now,
        )
        .order_by(OneTimeToken.created_at)
    )
    return result.all()


async def find_token(session: AsyncSession, token_hash: str) -> OneTimeToken | None:
    """A one-time token by the hash of its value."""
    return await session.get(OneTimeToken, token_hash)


async def spend_token(session: AsyncSession, token_hash: str, now: datetime) -> bool:
    """Use a token up; False when it was already used (by a concurrent request too)."""
    result = await session.execute(
        update(OneTimeToken)
        .where(OneTimeToken.token_hash == token_hash, OneTimeToken.used_at.is_(None))
        .values(used_at=now)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]
