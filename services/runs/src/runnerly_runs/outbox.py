"""Events about runs, recorded in the request's transaction (the kit's outbox)."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from runnerly_kit.events import EventData, record_event

SOURCE = "runs"


def publish(session: AsyncSession, data: EventData, runner_id: str) -> None:
    """Publish ``data`` about ``runner_id``'s runs once the transaction commits."""
    record_event(session, data, source=SOURCE, subject=runner_id)
