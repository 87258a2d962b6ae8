"""What the token dealer does when a runner's account changes in ``users``.

``users.user.deleted.v1``: the runner's sessions and refresh tokens are deleted.
``users.password.reset.v1`` and ``users.user.deactivated.v1``: every session
of the runner ends (a password changed from a session keeps that one), so
whoever held the old password (or the deactivated account) cannot go on
refreshing.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from runnerly_contracts.users import PasswordReset, UserDeactivated, UserDeleted
from runnerly_kit.columns import utcnow
from runnerly_kit.events import Envelope, EventHandlers
from runnerly_tokendealer.tokens.service import forget_runner, revoke_runner_sessions

purge_handlers = EventHandlers("tokendealer-purge")


@purge_handlers.on(UserDeleted)
async def forget_deleted_runner(
    session: AsyncSession, _envelope: Envelope, data: UserDeleted
) -> None:
    """Every login session of the deleted runner ends, and its records are deleted."""
    await forget_runner(session, data.user_id)


@purge_handlers.on(PasswordReset)
async def end_sessions_after_password_reset(
    session: AsyncSession, _envelope: Envelope, data: PasswordReset
) -> None:
    """Every refresh token of the runner stops working, but the session that changed it."""
    await revoke_runner_sessions(session, data.user_id, utcnow(), keep=data.kept_session_id)


@purge_handlers.on(UserDeactivated)
async def end_sessions_of_deactivated_runner(
    session: AsyncSession, _envelope: Envelope, data: UserDeactivated
) -> None:
    """A deactivated account's refresh tokens stop working at once."""
    await revoke_runner_sessions(session, data.user_id, utcnow())
