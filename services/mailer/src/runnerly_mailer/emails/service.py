"""The rules of an outgoing email's life: queued → sent, or → dead after too many failures."""

from __future__ import annotations

import base64
import binascii
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from runnerly_contracts.mailer import SendEmail
from runnerly_kit.db import Database
from runnerly_kit.doorbell import ring_after_commit
from runnerly_kit.errors import BadRequest, Conflict, NotFound
from runnerly_kit.events import Envelope
from runnerly_kit.events.broker import backoff_delay
from runnerly_mailer.emails import repository
from runnerly_mailer.models import EmailStatus, OutgoingEmail
from runnerly_mailer.rendering import UnsendableEmail, check_command
from runnerly_mailer.settings import MailerSettings


def record_command(
    session: AsyncSession, envelope: Envelope, command: SendEmail, now: datetime
) -> OutgoingEmail:
    """Store a send command as an email to deliver, or straight as dead if it cannot be sent.

    Runs in the consumer's transaction, which also records the envelope id as
    applied: a command delivered twice is stored (and sent) once.
    """
    email = OutgoingEmail(
        id=uuid.uuid4(),
        event_id=envelope.id,
        subject=envelope.subject,
        recipient=str(command.recipient),
        template=command.template,
        data=dict(command.data),
        status=EmailStatus.queued,
        attempts=0,
        last_error=None,
        next_attempt_at=now,
        created_at=now,
        sent_at=None,
    )
    try:
        check_command(command.template, command.data)
    except UnsendableEmail as exc:
        email.status = EmailStatus.dead
        email.last_error = str(exc)
    repository.add_email(session, email)
    if email.status is EmailStatus.queued:
        ring_after_commit(session)
    return email


async def emails_about(session: AsyncSession, user_id: str) -> Sequence[OutgoingEmail]:
    """Every email about a runner, sent or not (their data export)."""
    return await repository.emails_about(session, user_id)


async def forget_runner(session: AsyncSession, user_id: str) -> None:
    """Delete every email about a runner whose account was deleted, sent or not."""
    await repository.delete_about(session, user_id)


async def claim_due_emails(
    database: Database, settings: MailerSettings, now: datetime
) -> Sequence[OutgoingEmail]:
    """Claim a batch of due emails in a short transaction of its own (never held while sending)."""
    async with database.transaction() as session:
        return await repository.claim_due(
            session,
            now,
            limit=settings.batch_size,
            claimed_until=now + timedelta(seconds=settings.claim_seconds),
        )


async def record_sent(database: Database, email: OutgoingEmail, now: datetime) -> None:
    """The SMTP server took the email."""
    async with database.transaction() as session:
        await repository.settle(
            session,
            email.id,
            status=EmailStatus.sent,
            attempts=email.attempts + 1,
            last_error=None,
            next_attempt_at=now,
            sent_at=now,
        )


async def record_failure(
    database: Database,
    settings: MailerSettings,
    email: OutgoingEmail,
    error: str,
    now: datetime,
    *,
    permanent: bool = False,
) -> EmailStatus:
    """A send attempt failed: retry later with backoff, or give up; return the new status."""
    attempts = email.attempts + 1
    dead = permanent or attempts >= settings.max_attempts
    base, cap = settings.retry_base_seconds, settings.retry_cap_seconds
    delay = backoff_delay(attempts, base=base, cap=cap)
    status = EmailStatus.dead if dead else EmailStatus.queued
    async with database.transaction() as session:
        await repository.settle(
            session,
            email.id,
            status=status,
            attempts=attempts,
            # Bounded: an SMTP server's reply can be long, and this is for an operator's eyes.
            last_error=error[:1000],
            next_attempt_at=now if dead else now + timedelta(seconds=delay),
        )
    return status


async def time_until_next_due(database: Database, now: datetime) -> float | None:
    """Seconds until the next queued email is due (0 if one is due), None if none is queued."""
    async with database.transaction(write=False) as session:
        due = await repository.next_due_at(session)
    return None if due is None else max(0.0, (due - now).total_seconds())


@dataclass(frozen=True)
class EmailPage:
    """One page of the operator's list, and where the next one starts."""

    emails: Sequence[OutgoingEmail]
    next_cursor: str | None


def _encode_cursor(email: OutgoingEmail) -> str:
    raw = f"{email.created_at.isoformat()}|{email.id}".encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def _decode_cursor(cursor: str) -> tuple[datetime, uuid.UUID]:
    try:
        raw = base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)).decode()
        created_at, _, email_id = raw.partition("|")
        position = datetime.fromisoformat(created_at), uuid.UUID(email_id)
    except (binascii.Error, UnicodeDecodeError, ValueError):
        raise BadRequest("The cursor is not one this service handed out.") from None
    if position[0].tzinfo is None:
        raise BadRequest("The cursor is not one this service handed out.")
    return position


async def list_emails(
    session: AsyncSession, *, status: EmailStatus | None, cursor: str | None, limit: int
) -> EmailPage:
    """A page of emails in the order they arrived, optionally only those of one status."""
    after = _decode_cursor(cursor) if cursor else None
    # One more than asked tells whether there is a next page without a count.
    emails = await repository.list_emails(session, status=status, after=after, limit=limit + 1)
    if len(emails) <= limit:
        return EmailPage(emails, None)
    page = emails[:limit]
    return EmailPage(page, _encode_cursor(page[-1]))


async def retry_dead(session: AsyncSession, email_id: uuid.UUID, now: datetime) -> OutgoingEmail:
    """Put a dead email back in the queue with a fresh set of attempts."""
    email = await repository.get_email(session, email_id)
    if email is None:
        raise NotFound("No email with this id.")
    if email.status != EmailStatus.dead:
        raise Conflict(
            f"Only a dead email can be retried; this one is {email.status}.",
            details={"status": email.status},
        )
    email.status = EmailStatus.queued
    email.attempts = 0
    email.next_attempt_at = now
    await session.flush()
    ring_after_commit(session)
    return email
