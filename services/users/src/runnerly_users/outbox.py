"""Events and mail requests, recorded in the request's transaction (the kit's outbox)."""

from __future__ import annotations

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from runnerly_contracts.mailer import SendEmail
from runnerly_kit.events import EventData, record_event

SOURCE = "users"


def publish(session: AsyncSession, data: EventData, user_id: str) -> None:
    """Publish ``data`` about ``user_id`` once the transaction commits."""
    record_event(session, data, source=SOURCE, subject=user_id)


def send_email(
    session: AsyncSession, user_id: str, recipient: str, template: str, data: dict[str, Any]
) -> None:
    """Ask the mailer for one email, sent only if the transaction commits."""
    command = SendEmail(recipient=recipient, template=template, data=data)
    record_event(session, command, source=SOURCE, subject=user_id)
