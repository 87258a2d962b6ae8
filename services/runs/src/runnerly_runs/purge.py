"""What the runs service does when a runner deletes their account: forget every run of theirs."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from runnerly_contracts.users import UserDeleted
from runnerly_kit.events import Envelope, EventHandlers
from runnerly_kit.logs import get_logger
from runnerly_runs.runs import service as runs

purge_handlers = EventHandlers("runs-purge")
_log = get_logger("runnerly.runs.purge")


@purge_handlers.on(UserDeleted)
async def forget_deleted_runner(
    session: AsyncSession, _envelope: Envelope, data: UserDeleted
) -> None:
    """Runs, sources, series and best efforts of the runner are deleted (story 11)."""
    deleted = await runs.forget_runner(session, data.user_id)
    _log.info("runner_forgotten", runner_id=data.user_id, runs=deleted)
