"""The runs service's tables: runs, where each came from, its time series, its best efforts."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON,
    Boolean,
    Float,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from runnerly_kit.columns import UtcDateTime
from runnerly_kit.db import new_metadata
from runnerly_kit.events import include_kit_tables

ID_LENGTH = 36


class Base(DeclarativeBase):
    metadata = new_metadata()


include_kit_tables(Base.metadata)


class Run(Base):
    """One run of one runner, whatever recorded it (several sources may describe it)."""

    __tablename__ = "runs"
    __table_args__ = (
        # The runner's runs newest first: the listing, "last N" and the cursor all walk it.
        Index("ix_runs_runner_started", "runner_id", "started_at", "id"),
    )

    id: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    runner_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    title: Mapped[str] = mapped_column(String(200))
    description: Mapped[str | None] = mapped_column(Text)
    sport: Mapped[str | None] = mapped_column(String(32))
    started_at: Mapped[datetime] = mapped_column(UtcDateTime())
    #: The IANA zone the run happened in, when the source says (Strava, FIT's local time).
    time_zone: Mapped[str | None] = mapped_column(String(64))
    distance_m: Mapped[float] = mapped_column(Float)
    moving_time_s: Mapped[float] = mapped_column(Float)
    elapsed_time_s: Mapped[float] = mapped_column(Float)
    elevation_gain_m: Mapped[float | None] = mapped_column(Float)
    average_heart_rate: Mapped[float | None] = mapped_column(Float)
    max_heart_rate: Mapped[float | None] = mapped_column(Float)
    #: Steps per minute, both feet.
    average_cadence: Mapped[float | None] = mapped_column(Float)
    average_speed_mps: Mapped[float] = mapped_column(Float)
    #: The simplified route, Google's encoded polyline format ("" without positions).
    polyline: Mapped[str] = mapped_column(Text, default="")
    splits: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    laps: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    has_series: Mapped[bool] = mapped_column(Boolean, default=False)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    updated_at: Mapped[datetime] = mapped_column(UtcDateTime())
    #: The run as the listings show it, serialised when the run is written: reading
    #: a runner's last runs is then one indexed query and no serialisation
    #: (bench/RESULTS.md, "last 10 runs").
    listing_json: Mapped[str] = mapped_column(Text)


class RunSource(Base):
    """Where a run came from: a file (by its SHA-256), Strava (by activity id), or by hand."""

    __tablename__ = "run_sources"
    __table_args__ = (
        # One recording is one run: the same file or Strava activity twice is the same run.
        UniqueConstraint("runner_id", "source", "source_id", name="uq_run_sources_recording"),
        Index("ix_run_sources_run_id", "run_id"),
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"))
    runner_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    #: ``manual``, ``gpx``, ``tcx``, ``fit`` or ``strava``.
    source: Mapped[str] = mapped_column(String(16))
    source_id: Mapped[str] = mapped_column(String(64))
    filename: Mapped[str | None] = mapped_column(String(255))
    added_at: Mapped[datetime] = mapped_column(UtcDateTime())


class RunSeries(Base):
    """A run's full time series, packed (``runnerly_runs.tracks.pack_series``)."""

    __tablename__ = "run_series"

    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    points: Mapped[int] = mapped_column(Integer)
    data: Mapped[bytes] = mapped_column(LargeBinary)


class BestEffortRecord(Base):
    """The fastest stretch of a standard distance within one run."""

    __tablename__ = "best_efforts"
    __table_args__ = (Index("ix_best_efforts_runner_name", "runner_id", "name", "elapsed_s"),)

    run_id: Mapped[str] = mapped_column(ForeignKey("runs.id", ondelete="CASCADE"), primary_key=True)
    name: Mapped[str] = mapped_column(String(16), primary_key=True)
    runner_id: Mapped[str] = mapped_column(String(ID_LENGTH))
    distance_m: Mapped[float] = mapped_column(Float)
    elapsed_s: Mapped[float] = mapped_column(Float)
    start_offset_s: Mapped[float] = mapped_column(Float)
