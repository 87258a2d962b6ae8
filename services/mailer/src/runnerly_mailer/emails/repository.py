"""SQL of the outgoing emails."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from runnerly_mailer.models import EmailStatus, OutgoingEmail


def add_email(session: AsyncSession, email: OutgoingEmail) -> None:
    """Stage a new email."""
    session.add(email)


async def get_email(session: AsyncSession, email_id: uuid.UUID) -> OutgoingEmail | None:
    """The email with this id, if any."""
    return await session.get(OutgoingEmail, email_id)


async def emails_about(session: AsyncSession, subject: str) -> Sequence[OutgoingEmail]:
    """Every email whose command was about ``subject``, oldest first."""
    result = await session.scalars(
        select(OutgoingEmail)
        .where(OutgoingEmail.subject == subject)
        .order_by(OutgoingEmail.created_at, OutgoingEmail.id)
    )
    return result.all()


async def delete_about(session: AsyncSession, subject: str) -> None:
    """Delete every email whose command was about ``subject``."""
    await session.execute(delete(OutgoingEmail).where(OutgoingEmail.subject == subject))


async def claim_due(
    session: AsyncSession, now: datetime, *, limit: int, claimed_until: datetime
) -> Sequence[OutgoingEmail]:
    """Take up to ``limit`` queued emails that are due, pushing them out of reach until
    ``claimed_until`` so no other round (or replica) takes them while they are sent.

    On PostgreSQL rows another replica is claiming right now are skipped, not
    waited for. On SQLite the write transaction already holds the only write
    lock; the ``status`` guard of the update keeps the claim correct anyway.
    """
    query = (
        select(OutgoingEmail)
        .where(OutgoingEmail.status == EmailStatus.queued, OutgoingEmail.next_attempt_at <= now)
        .order_by(OutgoingEmail.next_attempt_at, OutgoingEmail.id)
        .limit(limit)
    )
    if session.get_bind().dialect.name == "postgresql":
        query = query.with_for_update(skip_locked=True)
    candidates = (await session.scalars(query)).all()
    if not candidates:
        return []
    claimed = await session.scalars(
        update(OutgoingEmail)
        .where(
            OutgoingEmail.id.in_([email.id for email in candidates]),
            OutgoingEmail.status == EmailStatus.queued,
            OutgoingEmail.next_attempt_at <= now,
        )
        .values(next_attempt_at=claimed_until)
        .returning(OutgoingEmail.id)
        .execution_options(synchronize_session=False)
    )
    ids = set(claimed.all())
    return [email for email in candidates if email.id in ids]


async def settle(
    session: AsyncSession,
    email_id: uuid.UUID,
    *,
    status: EmailStatus,
    attempts: int,
    last_error: str | None,
    next_attempt_at: datetime,
    sent_at: datetime | None = None,
) -> None:
    """Write the outcome of a send attempt of a claimed email."""
    values: dict[str, object] = {
        "status": status,
        "attempts": attempts,
        "last_error": last_error,
        "next_attempt_at": next_attempt_at,
        "sent_at": sent_at,
    }
    if status is EmailStatus.sent:
        values["data"] = {}  # the one-time links are no longer anybody's business
    await session.execute(
        update(OutgoingEmail)
        .where(OutgoingEmail.id == email_id, OutgoingEmail.status == EmailStatus.queued)
        .values(**values)
        .execution_options(synchronize_session=False)
    )


async def next_due_at(session: AsyncSession) -> datetime | None:
    """When the next queued email becomes due, if any is queued."""
    return await session.scalar(
        select(func.min(OutgoingEmail.next_attempt_at)).where(
            OutgoingEmail.status == EmailStatus.queued
        )
    )


async def list_emails(
    session: AsyncSession,
    *,
    status: EmailStatus | None,
    after: tuple[datetime, uuid.UUID] | None,
    limit: int,
) -> Sequence[OutgoingEmail]:
    """Emails in creation order, optionally of one status, after a keyset position."""
    query = select(OutgoingEmail).order_by(OutgoingEmail.created_at, OutgoingEmail.id).limit(limit)
    if status is not None:
        query = query.where(OutgoingEmail.status == status)
    if after is not None:
        created_at, email_id = after
        query = query.where(
            or_(
                OutgoingEmail.created_at > created_at,
                and_(OutgoingEmail.created_at == created_at, OutgoingEmail.id > email_id),
            )
        )
    return (await session.scalars(query)).all()
