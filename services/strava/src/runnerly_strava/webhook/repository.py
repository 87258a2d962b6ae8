"""SQL of the push subscription."""

from __future__ import annotations

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from runnerly_strava.models import PushSubscription


async def subscription_ids(session: AsyncSession) -> set[int]:
    """The ids of the subscriptions created from here."""
    return set((await session.scalars(select(PushSubscription.id))).all())


async def replace_subscription(session: AsyncSession, subscription: PushSubscription) -> None:
    """Keep only this subscription (Strava allows one per application)."""
    await session.execute(delete(PushSubscription))
    session.add(subscription)
