"""Browser sessions, and the kit's outbox and applied-events tables.

Revision ID: 0001
Revises:
Create Date: 2026-12-01
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
        "browser_sessions",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("key_hash", sa.String(64), nullable=False),
        sa.Column("csrf_token", sa.String(64), nullable=False),
        sa.Column("runner_id", sa.String(36), nullable=True),
        sa.Column("access_token", sa.Text(), nullable=True),
        sa.Column("refresh_token", sa.Text(), nullable=True),
        sa.Column("access_expires_at", UtcDateTime(), nullable=True),
        sa.Column("time_zone", sa.String(64), nullable=True),
        sa.Column("token_version", sa.Integer(), nullable=False),
        sa.Column("refreshing_until", UtcDateTime(), nullable=True),
        sa.Column("strava_state_hash", sa.String(64), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("last_seen_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_browser_sessions"),
        sa.UniqueConstraint("key_hash", name="uq_browser_sessions_key_hash"),
    )
    op.create_index("ix_browser_sessions_runner_id", "browser_sessions", ["runner_id"])
    op.create_index("ix_browser_sessions_last_seen_at", "browser_sessions", ["last_seen_at"])


def downgrade() -> None:
    op.drop_table("browser_sessions")
    drop_kit_tables(op)
