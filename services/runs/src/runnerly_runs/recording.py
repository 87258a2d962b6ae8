"""A recording on its way in: everything needed to store a run, whatever its source.

A file, Strava and a runner's typing each become a :class:`Recording`; the
runs service then stores (or merges) it the same way.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

from runnerly_runs.tracks import (
    BestEffort,
    ImportedFile,
    Lap,
    Series,
    Split,
    best_efforts,
    summarize,
)

#: What the listings call a run a file or watch did not name.
DEFAULT_TITLE = "Run"


@dataclass(frozen=True, slots=True)
class Recording:
    """One source's account of a run."""

    source: str
    source_id: str
    title: str
    started_at: datetime
    distance_m: float
    moving_time_s: float
    elapsed_time_s: float
    filename: str | None = None
    description: str | None = None
    sport: str | None = None
    time_zone: str | None = None
    elevation_gain_m: float | None = None
    average_heart_rate: float | None = None
    max_heart_rate: float | None = None
    average_cadence: float | None = None
    polyline: str = ""
    splits: list[Split] = field(default_factory=list)
    laps: list[Lap] = field(default_factory=list)
    series: Series | None = None
    efforts: list[BestEffort] = field(default_factory=list)

    @property
    def average_speed_mps(self) -> float:
        return self.distance_m / self.moving_time_s if self.moving_time_s > 0 else 0.0


def from_file(imported: ImportedFile) -> Recording:
    """A file's run, every figure computed from its time series."""
    track = imported.track
    summary = summarize(track.series, track.laps)
    return Recording(
        source=imported.format,
        source_id=imported.fingerprint,
        filename=imported.filename[:255],
        title=(track.name or "").strip()[:200] or DEFAULT_TITLE,
        sport=track.sport,
        started_at=track.started_at,
        distance_m=summary.distance_m,
        moving_time_s=summary.moving_s,
        elapsed_time_s=summary.elapsed_s,
        elevation_gain_m=summary.elevation_gain_m,
        average_heart_rate=summary.average_heart_rate,
        max_heart_rate=summary.max_heart_rate,
        average_cadence=summary.average_cadence,
        polyline=summary.polyline,
        splits=summary.splits,
        laps=track.laps,
        series=track.series,
        efforts=best_efforts(track.series),
    )
