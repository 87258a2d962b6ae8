"""SQL of the admin views."""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from runnerly_users.models import User


async def page_of_users(session: AsyncSession, after: str | None, limit: int) -> Sequence[User]:
    """Up to ``limit`` accounts by id, after the id ``after`` (keyset pagination)."""
    query = select(User).order_by(User.id).limit(limit)
    if after is not None:
        query = query.where(User.id > after)
    return (await session.scalars(query)).all()
