"""What the dashboard does when a runner deletes their account: forget their browser sessions.

The sessions hold the runner's id and tokens; every browser of theirs is
logged out (their tokens are revoked by the token dealer on the same event).
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from runnerly_contracts.users import UserDeleted
from runnerly_dashboard.sessions import service as sessions
from runnerly_kit.events import Envelope, EventHandlers
from runnerly_kit.logs import get_logger

purge_handlers = EventHandlers("dashboard-purge")
_log = get_logger("runnerly.dashboard.purge")


@purge_handlers.on(UserDeleted)
async def forget_deleted_runner(
    session: AsyncSession, _envelope: Envelope, data: UserDeleted
) -> None:
    """Every browser session of the runner ends (story 11)."""
    ended = await sessions.forget_runner(session, data.user_id)
    _log.info("runner_forgotten", runner_id=data.user_id, sessions=ended)
