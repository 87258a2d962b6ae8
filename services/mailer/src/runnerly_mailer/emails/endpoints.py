"""The operator's view of outgoing emails: list them, and retry a dead one."""

from __future__ import annotations

import uuid
from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from runnerly_kit.auth import Claims, require_scope
from runnerly_kit.columns import utcnow
from runnerly_kit.sessions import ReadSessionDep, SessionDep
from runnerly_mailer.emails import service
from runnerly_mailer.models import EmailStatus, OutgoingEmail

ADMIN_SCOPE = "mailer:admin"

router = APIRouter(prefix="/v1/emails", tags=["emails"])
Operator = Annotated[Claims, Depends(require_scope(ADMIN_SCOPE))]


class EmailSummary(BaseModel):
    """An outgoing email as an operator sees it: never its body or its data."""

    id: uuid.UUID
    recipient: str
    template: str
    status: EmailStatus
    attempts: int
    last_error: str | None
    created_at: datetime
    next_attempt_at: datetime
    sent_at: datetime | None

    @classmethod
    def of(cls, email: OutgoingEmail) -> EmailSummary:
        """The summary of a stored email."""
        return cls(
            id=email.id,
            recipient=email.recipient,
            template=email.template,
            status=EmailStatus(email.status),
            attempts=email.attempts,
            last_error=email.last_error,
            created_at=email.created_at,
            next_attempt_at=email.next_attempt_at,
            sent_at=email.sent_at,
        )


class EmailList(BaseModel):
    """One page of emails; pass ``next_cursor`` back as ``cursor`` for the next one."""

    items: list[EmailSummary]
    next_cursor: str | None


@router.get("", response_model=EmailList, summary="List outgoing emails (operators).")
async def list_emails(
    _operator: Operator,
    session: ReadSessionDep,
    status: Annotated[EmailStatus | None, Query(description="Only emails in this state.")] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 50,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
) -> EmailList:
    page = await service.list_emails(session, status=status, cursor=cursor, limit=limit)
    return EmailList(
        items=[EmailSummary.of(email) for email in page.emails], next_cursor=page.next_cursor
    )


@router.post(
    "/{email_id}/retry",
    response_model=EmailSummary,
    summary="Send a dead email again, with a fresh set of attempts (operators).",
)
async def retry_email(
    _operator: Operator, session: SessionDep, email_id: uuid.UUID
) -> EmailSummary:
    return EmailSummary.of(await service.retry_dead(session, email_id, utcnow()))
