"""Strava links, OAuth states, sync jobs, the push subscription, and the kit's tables.

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
        "strava_links",
        sa.Column("runner_id", sa.String(36), nullable=False),
        sa.Column("athlete_id", sa.BigInteger(), nullable=False),
        sa.Column("access_token", sa.Text(), nullable=False),
        sa.Column("refresh_token", sa.Text(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.Column("token_version", sa.Integer(), nullable=False),
        sa.Column("scope", sa.String(200), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("backfill", sa.String(16), nullable=False),
        sa.Column("connected_at", UtcDateTime(), nullable=False),
        sa.Column("last_synced_at", UtcDateTime(), nullable=True),
        sa.Column("last_activity_at", UtcDateTime(), nullable=True),
        sa.Column("next_sync_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("runner_id", name="pk_strava_links"),
        sa.UniqueConstraint("athlete_id", name="uq_strava_links_athlete_id"),
    )
    op.create_index("ix_strava_links_next_sync_at", "strava_links", ["next_sync_at"])
    op.create_table(
        "oauth_states",
        sa.Column("state_hash", sa.String(64), nullable=False),
        sa.Column("runner_id", sa.String(36), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("expires_at", UtcDateTime(), nullable=False),
        sa.Column("used_at", UtcDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("state_hash", name="pk_oauth_states"),
    )
    op.create_index("ix_oauth_states_runner_id", "oauth_states", ["runner_id"])
    op.create_table(
        "sync_jobs",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("kind", sa.String(32), nullable=False),
        sa.Column("runner_id", sa.String(36), nullable=False),
        sa.Column("activity_id", sa.BigInteger(), nullable=True),
        sa.Column("payload", sa.JSON(), nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", UtcDateTime(), nullable=False),
        sa.Column("lease_id", sa.Uuid(), nullable=True),
        sa.Column("last_error", sa.Text(), nullable=True),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_sync_jobs"),
    )
    op.create_index("ix_sync_jobs_runner_id", "sync_jobs", ["runner_id"])
    op.create_index(
        "ix_sync_jobs_status_next_attempt_at", "sync_jobs", ["status", "next_attempt_at"]
    )
    op.create_table(
        "push_subscriptions",
        sa.Column("id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("callback_url", sa.String(500), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_push_subscriptions"),
    )


def downgrade() -> None:
    op.drop_table("push_subscriptions")
    op.drop_table("sync_jobs")
    op.drop_table("oauth_states")
    op.drop_table("strava_links")
    drop_kit_tables(op)
