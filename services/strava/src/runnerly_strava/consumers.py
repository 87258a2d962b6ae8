"""The strava service's consumer: a deleted runner is forgotten (revoked at Strava, best effort)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from runnerly_contracts.users import UserDeleted
from runnerly_kit.columns import utcnow
from runnerly_kit.events import Envelope, EventHandlers
from runnerly_kit.logs import get_logger
from runnerly_strava.links import repository as links
from runnerly_strava.links.service import forget_runner

purge_handlers = EventHandlers("strava-user-purge")
_log = get_logger("runnerly.strava.purge")


@purge_handlers.on(UserDeleted)
async def forget_deleted_runner(
    session: AsyncSession, _envelope: Envelope, data: UserDeleted
) -> None:
    """Remove the link, jobs and states now; the revocation at Strava is a job.

    runs forgets the runner's runs on the same event, so no ``forget_runs`` job.
    """
    await links.delete_states(session, data.user_id)
    link = await links.get_link(session, data.user_id)
    if link is None:
        return
    await forget_runner(session, link, utcnow())
    _log.info("strava_runner_forgotten", runner_id=data.user_id)
