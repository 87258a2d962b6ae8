"""Outgoing emails, and the kit's outbox and applied-events tables.

Revision ID: 0001
Revises:
Create Date: 2026-11-24
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from runnerly_kit.columns import UtcDateTime
from runnerly_kit.events import create_kit_tables, drop_kit_tables

revision: str = "0001"
down_revision: str | None = None
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    create_kit_tables(op)
    op.create_table(
        "outgoing_emails",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("subject", sa.String(200), nullable=True),
        sa.Column("recipient", sa.String(320), nullable=False),
        sa.Column("template", sa.String(64), nullable=False),
        sa.Column("data", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("next_attempt_at", UtcDateTime(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("sent_at", UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name="pk_outgoing_emails"),
        sa.UniqueConstraint("event_id", name="uq_outgoing_emails_event_id"),
    )
    op.create_index("ix_outgoing_emails_subject", "outgoing_emails", ["subject"])
    op.create_index(
        "ix_outgoing_emails_status_next_attempt_at",
        "outgoing_emails",
        ["status", "next_attempt_at"],
    )
    op.create_index(
        "ix_outgoing_emails_status_created_at",
        "outgoing_emails",
        ["status", "created_at", "id"],
    )


def downgrade() -> None:
    op.drop_table("outgoing_emails")
    drop_kit_tables(op)
