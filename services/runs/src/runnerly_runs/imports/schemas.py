"""Bodies of the import API: a runner's files, and the Strava activities of the strava service."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, model_validator

from runnerly_runs.fields import (
    MAX_DISTANCE_M,
    MAX_DURATION_S,
    Description,
    TimeZoneName,
    Title,
)

ImportStatus = Literal["created", "merged", "already_imported"]


class ImportedRun(BaseModel):
    """What became of one file of an upload."""

    filename: str
    format: Literal["gpx", "tcx", "fit"]
    #: ``created``: a new run; ``merged``: the same run was already there (from Strava or
    #: another file) and now also has this source; ``already_imported``: this very file was.
    status: ImportStatus
    run_id: str


class ImportReport(BaseModel):
    runs: list[ImportedRun]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


_Rate = Annotated[float | None, Field(default=None, ge=0, le=300)]


class StravaLapIn(_Strict):
    start_offset_s: float = Field(ge=0, le=MAX_DURATION_S)
    elapsed_s: float = Field(ge=0, le=MAX_DURATION_S)
    distance_m: float = Field(ge=0, le=MAX_DISTANCE_M)
    average_heart_rate: _Rate = None
    max_heart_rate: _Rate = None


class StravaStreamsIn(_Strict):
    """Strava's activity streams, unwrapped from ``key_by_type``'s ``{"data": [...]}``."""

    time: list[float]
    distance: list[float] | None = None
    latlng: list[tuple[float, float]] | None = None
    altitude: list[float] | None = None
    heartrate: list[float] | None = None
    #: Strides per minute (one foot), as Strava records it.
    cadence: list[float] | None = None

    @model_validator(mode="after")
    def _same_lengths(self) -> StravaStreamsIn:
        n = len(self.time)
        for name in ("distance", "latlng", "altitude", "heartrate", "cadence"):
            column = getattr(self, name)
            if column is not None and len(column) != n:
                raise ValueError(f"stream {name!r} has {len(column)} points, time has {n}")
        return self


class StravaActivityIn(_Strict):
    """A running activity as the strava service fetched it (its detail and streams)."""

    title: Title
    description: Description = None
    sport: str = Field(min_length=1, max_length=32)
    started_at: AwareDatetime
    time_zone: TimeZoneName = None
    distance_m: float = Field(ge=0, le=MAX_DISTANCE_M)
    moving_time_s: float = Field(ge=0, le=MAX_DURATION_S)
    elapsed_time_s: float = Field(ge=0, le=MAX_DURATION_S)
    elevation_gain_m: float | None = Field(default=None, ge=0, le=100_000)
    average_heart_rate: _Rate = None
    max_heart_rate: _Rate = None
    #: Strides per minute (one foot), as Strava gives it; stored as steps per minute.
    average_cadence: _Rate = None
    polyline: str | None = Field(default=None, max_length=100_000)
    laps: list[StravaLapIn] = Field(default_factory=list, max_length=1000)
    streams: StravaStreamsIn | None = None


class StravaUpsertResult(BaseModel):
    run_id: str
    status: Literal["created", "updated", "merged"]
