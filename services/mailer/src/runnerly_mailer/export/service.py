"""The mailer's part of a runner's data export, read through the emails feature's door.

A template's values (its one-time links, until the email is sent) are never exported.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncSession

from runnerly_mailer.emails.service import emails_about
from runnerly_mailer.export.schemas import EmailRecord, MailerExport
from runnerly_mailer.rendering import TEMPLATES


async def export(session: AsyncSession, runner_id: str) -> MailerExport:
    """Every email about the runner, oldest first."""
    return MailerExport(
        emails=[
            EmailRecord(
                kind=email.template,
                subject=template.subject if (template := TEMPLATES.get(email.template)) else None,
                recipient=email.recipient,
                status=email.status,
                attempts=email.attempts,
                created_at=email.created_at,
                sent_at=email.sent_at,
                last_error=email.last_error,
            )
            for email in await emails_about(session, runner_id)
        ]
    )
