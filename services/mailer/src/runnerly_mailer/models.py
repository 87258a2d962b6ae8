"""The mailer's table: every email it was asked to send, and how that went."""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from runnerly_kit.columns import UtcDateTime
from runnerly_kit.db import new_metadata
from runnerly_kit.events import include_kit_tables


class Base(DeclarativeBase):
    metadata = new_metadata()


include_kit_tables(Base.metadata)


class EmailStatus(StrEnum):
    """Where an email is: waiting to be (re)tried, delivered, or given up on."""

    queued = "queued"
    sent = "sent"
    #: The dead letter: out of attempts, or never sendable (unknown template).
    dead = "dead"


class OutgoingEmail(Base):
    """One ``mailer.email.send.v1`` command, from its arrival to its delivery."""

    __tablename__ = "outgoing_emails"
    __table_args__ = (
        # The worker's query: due emails of one status, oldest first.
        Index("ix_outgoing_emails_status_next_attempt_at", "status", "next_attempt_at"),
        # The operator's list: one status, in creation order.
        Index("ix_outgoing_emails_status_created_at", "status", "created_at", "id"),
    )

    id: Mapped[uuid.UUID] = mapped_column(Uuid(), primary_key=True)
    #: The command's envelope id: a command arriving twice is stored once.
    event_id: Mapped[uuid.UUID] = mapped_column(Uuid(), unique=True)
    #: The runner the email is about (the command's envelope subject), to forget them.
    subject: Mapped[str | None] = mapped_column(String(200), index=True)
    recipient: Mapped[str] = mapped_column(String(320))
    template: Mapped[str] = mapped_column(String(64))
    #: The template's values; emptied once the email is sent (it holds one-time links).
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    last_error: Mapped[str | None] = mapped_column(Text)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
