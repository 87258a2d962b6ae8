"""The mailer's consumers: send commands become rows; a deleted runner's emails are forgotten."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from runnerly_contracts.mailer import SendEmail
from runnerly_contracts.users import UserDeleted
from runnerly_kit.columns import utcnow
from runnerly_kit.events import Envelope, EventHandlers
from runnerly_mailer.emails.service import forget_runner, record_command

send_handlers = EventHandlers("mailer-send")
purge_handlers = EventHandlers("mailer-purge")


@send_handlers.on(SendEmail)
async def queue_email(session: AsyncSession, envelope: Envelope, data: SendEmail) -> None:
    """Queue the email for the delivery worker (nothing is sent in the consumer's transaction)."""
    record_command(session, envelope, data, utcnow())


@purge_handlers.on(UserDeleted)
async def forget_deleted_runner(
    session: AsyncSession, _envelope: Envelope, data: UserDeleted
) -> None:
    """Emails about the deleted runner (their address, name and links) are deleted."""
    await forget_runner(session, data.user_id)
