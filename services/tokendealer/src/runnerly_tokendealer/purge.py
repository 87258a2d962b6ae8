"""Forgetting a runner: on ``users.user.deleted.v1`` their sessions and refresh tokens go."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from runnerly_contracts.users import UserDeleted
from runnerly_kit.events import Envelope, EventHandlers
from runnerly_tokendealer.tokens.service import forget_runner

purge_handlers = EventHandlers("tokendealer-purge")


@purge_handlers.on(UserDeleted)
async def forget_deleted_runner(
    session: AsyncSession, _envelope: Envelope, data: UserDeleted
) -> None:
    """Every login session of the deleted runner ends, and its records are deleted."""
    await forget_runner(session, data.user_id)
