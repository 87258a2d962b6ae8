"""Runs, their sources, packed time series and best efforts; the kit's outbox tables.

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


def _run_child_fk(table: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        ["run_id"], ["runs.id"], name=f"fk_{table}_run_id_runs", ondelete="CASCADE"
    )


def upgrade() -> None:
    create_kit_tables(op)
    op.create_table(
        "runs",
        sa.Column("id", sa.String(36), nullable=False),
        sa.Column("runner_id", sa.String(36), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("sport", sa.String(32), nullable=True),
        sa.Column("started_at", UtcDateTime(), nullable=False),
        sa.Column("time_zone", sa.String(64), nullable=True),
        sa.Column("distance_m", sa.Float(), nullable=False),
        sa.Column("moving_time_s", sa.Float(), nullable=False),
        sa.Column("elapsed_time_s", sa.Float(), nullable=False),
        sa.Column("elevation_gain_m", sa.Float(), nullable=True),
        sa.Column("average_heart_rate", sa.Float(), nullable=True),
        sa.Column("max_heart_rate", sa.Float(), nullable=True),
        sa.Column("average_cadence", sa.Float(), nullable=True),
        sa.Column("average_speed_mps", sa.Float(), nullable=False),
        sa.Column("polyline", sa.Text(), nullable=False),
        sa.Column("splits", sa.JSON(), nullable=False),
        sa.Column("laps", sa.JSON(), nullable=False),
        sa.Column("has_series", sa.Boolean(), nullable=False),
        sa.Column("created_at", UtcDateTime(), nullable=False),
        sa.Column("updated_at", UtcDateTime(), nullable=False),
        sa.Column("listing_json", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_runs"),
    )
    op.create_index("ix_runs_runner_started", "runs", ["runner_id", "started_at", "id"])
    op.create_table(
        "run_sources",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("run_id", sa.String(36), nullable=False),
        sa.Column("runner_id", sa.String(36), nullable=False),
        sa.Column("source", sa.String(16), nullable=False),
        sa.Column("source_id", sa.String(64), nullable=False),
        sa.Column("filename", sa.String(255), nullable=True),
        sa.Column("added_at", UtcDateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name="pk_run_sources"),
        _run_child_fk("run_sources"),
        sa.UniqueConstraint("runner_id", "source", "source_id", name="uq_run_sources_recording"),
    )
    op.create_index("ix_run_sources_run_id", "run_sources", ["run_id"])
    op.create_table(
        "run_series",
        sa.Column("run_id", sa.String(36), nullable=False),
        sa.Column("points", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.PrimaryKeyConstraint("run_id", name="pk_run_series"),
        _run_child_fk("run_series"),
    )
    op.create_table(
        "best_efforts",
        sa.Column("run_id", sa.String(36), nullable=False),
        sa.Column("name", sa.String(16), nullable=False),
        sa.Column("runner_id", sa.String(36), nullable=False),
        sa.Column("distance_m", sa.Float(), nullable=False),
        sa.Column("elapsed_s", sa.Float(), nullable=False),
        sa.Column("start_offset_s", sa.Float(), nullable=False),
        sa.PrimaryKeyConstraint("run_id", "name", name="pk_best_efforts"),
        _run_child_fk("best_efforts"),
    )
    op.create_index(
        "ix_best_efforts_runner_name", "best_efforts", ["runner_id", "name", "elapsed_s"]
    )


def downgrade() -> None:
    op.drop_table("best_efforts")
    op.drop_table("run_series")
    op.drop_table("run_sources")
    op.drop_table("runs")
    drop_kit_tables(op)
