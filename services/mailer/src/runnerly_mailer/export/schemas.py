"""What the mailer's part of a data export holds."""

from __future__ import annotations

from datetime import datetime

from pydantic import BaseModel

MATCHING_NOTE = (
    "Emails are tied to you by the runner id the users service names in each send command "
    "(not by address): mail sent to an address before it was yours, or about another "
    "account, is not here. Links in emails not sent yet are one-time secrets and are not "
    "exported; a sent email's links are not kept."
)


class EmailRecord(BaseModel):
    """One email about the runner: what kind, to whom, and how its delivery went."""

    kind: str
    #: The subject line (null for a kind the mailer does not know, never sent).
    subject: str | None
    recipient: str
    #: ``queued`` (waiting for a (re)try), ``sent`` or ``dead`` (given up on).
    status: str
    attempts: int
    created_at: datetime
    sent_at: datetime | None
    last_error: str | None


class MailerExport(BaseModel):
    """Everything the mailer keeps about a runner."""

    emails: list[EmailRecord]
    matching: str = MATCHING_NOTE
