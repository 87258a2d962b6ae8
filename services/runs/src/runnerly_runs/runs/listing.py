"""How a run is shown: its listing (kept serialised on the row) and its full detail.

Pure: the rows are read by the service and handed in.
"""

from __future__ import annotations

from runnerly_runs.models import BestEffortRecord, Run, RunSource
from runnerly_runs.runs.schemas import (
    BestEffortOut,
    LapOut,
    RunDetail,
    RunSummary,
    SourceDetail,
    SourceRef,
    SplitOut,
)
from runnerly_runs.tracks import pace


def summary_of(run: Run, sources: list[RunSource]) -> RunSummary:
    """The run as the listings show it."""
    return RunSummary(
        id=run.id,
        title=run.title,
        sport=run.sport,
        started_at=run.started_at,
        time_zone=run.time_zone,
        distance_m=run.distance_m,
        moving_time_s=run.moving_time_s,
        elapsed_time_s=run.elapsed_time_s,
        elevation_gain_m=run.elevation_gain_m,
        average_heart_rate=run.average_heart_rate,
        max_heart_rate=run.max_heart_rate,
        average_cadence=run.average_cadence,
        average_speed_mps=run.average_speed_mps,
        average_pace_s_per_km=pace(run.distance_m, run.moving_time_s),
        polyline=run.polyline,
        sources=[SourceRef(source=s.source, source_id=s.source_id) for s in sources],
    )


def render_listing(run: Run, sources: list[RunSource]) -> str:
    """The run's listing JSON, kept on the row so that listings need no serialisation."""
    return summary_of(run, sources).model_dump_json()


def last_listings_body(listings: list[str]) -> bytes:
    """``{"runs": [...]}`` assembled from stored listings (nothing is re-encoded)."""
    return b'{"runs":[' + ",".join(listings).encode() + b"]}"


def detail_of(run: Run, sources: list[RunSource], efforts: list[BestEffortRecord]) -> RunDetail:
    """The run with its splits, laps, best efforts and where it came from."""
    return RunDetail(
        **summary_of(run, sources).model_dump(),
        description=run.description,
        splits=[
            SplitOut(**split, pace_s_per_km=pace(split["distance_m"], split["moving_s"]))
            for split in run.splits
        ],
        laps=[LapOut(**lap) for lap in run.laps],
        best_efforts=[
            BestEffortOut(
                name=e.name,
                distance_m=e.distance_m,
                elapsed_s=e.elapsed_s,
                start_offset_s=e.start_offset_s,
            )
            for e in efforts
        ],
        has_series=run.has_series,
        source_details=[
            SourceDetail(
                source=s.source,
                source_id=s.source_id,
                filename=s.filename,
                added_at=s.added_at,
            )
            for s in sources
        ],
        created_at=run.created_at,
        updated_at=run.updated_at,
    )
