"""The strava service's consumer: a deleted runner is forgotten (revoked at Strava, best effort)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from runnerly_contracts.users import UserDeleted
from runnerly_kit.columns import utcnow
from runnerly_kit.events import Envelope, EventHandlers
from runnerly_kit.logs import get_logger
from runnerly_strava.links import service as links

purge_handlers = EventHandlers("strava-user-purge")
_log = get_logger("runnerly.strava.purge")


@purge_handlers.on(UserDeleted)
async def forget_deleted_runner(
    session: AsyncSession, _envelope: Envelope, data: UserDeleted
) -> None:
    """Remove the link, jobs and states now; the revocation at Strava is a job."""
    if await links.forget_deleted_runner(session, data.user_id, utcnow()):
        _log.info("strava_runner_forgotten", runner_id=data.user_id)
