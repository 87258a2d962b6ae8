"""The runs API's bodies: what a runner sends and what they get back."""

from __future__ import annotations

from datetime import datetime
from typing import Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from runnerly_runs.fields import (
    MAX_DISTANCE_M,
    MAX_DURATION_S,
    Description,
    TimeZoneName,
    Title,
)

Source = Literal["manual", "gpx", "tcx", "fit", "strava"]


class _Body(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class SourceRef(BaseModel):
    """One recording of the run: a file by its SHA-256, a Strava activity by its id."""

    source: Source
    source_id: str


class SourceDetail(SourceRef):
    filename: str | None = None
    added_at: datetime


class RunSummary(BaseModel):
    """A run as the listings show it."""

    id: str
    title: str
    sport: str | None
    started_at: datetime
    time_zone: str | None
    distance_m: float
    moving_time_s: float
    elapsed_time_s: float
    elevation_gain_m: float | None
    average_heart_rate: float | None
    max_heart_rate: float | None
    #: Steps per minute, both feet.
    average_cadence: float | None
    average_speed_mps: float
    #: Seconds per kilometre at the average moving speed; null when the run did not move.
    average_pace_s_per_km: float | None
    #: The simplified route (Google encoded polyline, precision 5); "" without positions.
    polyline: str
    sources: list[SourceRef]


class SplitOut(BaseModel):
    kilometre: int
    distance_m: float
    elapsed_s: float
    moving_s: float
    pace_s_per_km: float | None
    elevation_change_m: float | None
    average_heart_rate: float | None


class LapOut(BaseModel):
    start_offset_s: float
    elapsed_s: float
    distance_m: float
    average_heart_rate: float | None = None
    max_heart_rate: float | None = None


class BestEffortOut(BaseModel):
    name: str
    distance_m: float
    elapsed_s: float
    start_offset_s: float


class RunDetail(RunSummary):
    """One run with everything known about it."""

    description: str | None
    splits: list[SplitOut]
    laps: list[LapOut]
    best_efforts: list[BestEffortOut]
    #: True when the full time series is stored (``GET /v1/runs/{id}/series``).
    has_series: bool
    source_details: list[SourceDetail]
    created_at: datetime
    updated_at: datetime


class RunPage(BaseModel):
    runs: list[RunSummary]
    #: Pass as ``cursor`` for the next (older) page; null on the last page.
    next_cursor: str | None


class LastRuns(BaseModel):
    runs: list[RunSummary]


class SeriesOut(BaseModel):
    """The run's full time series as columns of equal length, for charts."""

    seconds: list[float]
    distances: list[float]
    latitudes: list[float | None]
    longitudes: list[float | None]
    elevations: list[float | None]
    heart_rates: list[int | None]
    cadences: list[int | None]


class ManualRunIn(_Body):
    """A run typed in by hand (no file, no watch)."""

    title: Title
    description: Description = None
    started_at: AwareDatetime
    time_zone: TimeZoneName = None
    distance_m: float = Field(gt=0, le=MAX_DISTANCE_M)
    moving_time_s: float = Field(gt=0, le=MAX_DURATION_S)
    elapsed_time_s: float | None = Field(default=None, gt=0, le=MAX_DURATION_S)
    elevation_gain_m: float | None = Field(default=None, ge=0, le=100_000)
    average_heart_rate: float | None = Field(default=None, ge=20, le=250)
    max_heart_rate: float | None = Field(default=None, ge=20, le=250)
    average_cadence: float | None = Field(default=None, ge=0, le=300)

    @model_validator(mode="after")
    def _consistent(self) -> ManualRunIn:
        if self.elapsed_time_s is not None and self.elapsed_time_s < self.moving_time_s:
            raise ValueError("elapsed_time_s cannot be shorter than moving_time_s")
        if (
            self.average_heart_rate is not None
            and self.max_heart_rate is not None
            and self.max_heart_rate < self.average_heart_rate
        ):
            raise ValueError("max_heart_rate cannot be below average_heart_rate")
        return self


class RunPatch(_Body):
    """What a runner may change of a run: its words, never its recording."""

    title: Title | None = None
    description: Description = None

    @model_validator(mode="after")
    def _something(self) -> RunPatch:
        if not self.model_fields_set:
            raise ValueError("give at least one of title, description")
        if "title" in self.model_fields_set and self.title is None:
            raise ValueError("title cannot be null")
        return self
