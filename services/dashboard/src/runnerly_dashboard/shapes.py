"""The bodies the users and runs services serve, re-declared for this service's OpenAPI document.

The app's TypeScript types are generated from the dashboard's document alone,
so every shape a screen shows is declared here, field for field as its owner
serves it (a contract test of the dashboard checks real answers against
them). No service imports another's package, so these are copies by design:
when a service adds a field, it is added here when a screen needs it.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Units = Literal["km", "miles"]
RunSource = Literal["manual", "gpx", "tcx", "fit", "strava"]


class _Shape(BaseModel):
    # A service may add a field before the dashboard shows it: ignored, not an error.
    model_config = ConfigDict(extra="ignore")


class Home(_Shape):
    """Where the runner lives: a place name, with coordinates when known."""

    place: str
    latitude: float | None = None
    longitude: float | None = None


class EmailPreferences(_Shape):
    """Which emails the runner wants."""

    monthly_report: bool = True


class Profile(_Shape):
    """A runner's profile as they see it (the users service's ``Profile``)."""

    id: str
    email: str
    name: str
    first_name: str | None
    last_name: str | None
    birth_year: int | None
    sex: Literal[0, 1, 2, 9] | None
    weight_kg: float | None
    max_heart_rate: int | None
    resting_heart_rate: int | None
    vo2max: float | None
    home: Home | None
    units: Units
    time_zone: str
    email_preferences: EmailPreferences


class SourceRef(_Shape):
    """One recording of a run: a file by its SHA-256, a Strava activity by its id."""

    source: RunSource
    source_id: str


class SourceDetail(SourceRef):
    filename: str | None = None
    added_at: datetime


class RunSummary(_Shape):
    """A run as the listings show it (the runs service's ``RunSummary``)."""

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
    average_pace_s_per_km: float | None
    #: The simplified route (Google encoded polyline, precision 5); "" without positions.
    polyline: str
    sources: list[SourceRef]


class Split(_Shape):
    kilometre: int
    distance_m: float
    elapsed_s: float
    moving_s: float
    pace_s_per_km: float | None
    elevation_change_m: float | None
    average_heart_rate: float | None


class Lap(_Shape):
    start_offset_s: float
    elapsed_s: float
    distance_m: float
    average_heart_rate: float | None = None
    max_heart_rate: float | None = None


class RunEffort(_Shape):
    """The fastest stretch of a standard distance within one run."""

    name: str
    distance_m: float
    elapsed_s: float
    start_offset_s: float


class RunDetail(RunSummary):
    """One run with everything known about it (the runs service's ``RunDetail``)."""

    description: str | None
    splits: list[Split]
    laps: list[Lap]
    best_efforts: list[RunEffort]
    has_series: bool
    source_details: list[SourceDetail]
    created_at: datetime
    updated_at: datetime


class Series(_Shape):
    """A run's full time series as columns of equal length, for charts."""

    seconds: list[float]
    distances: list[float]
    latitudes: list[float | None]
    longitudes: list[float | None]
    elevations: list[float | None]
    heart_rates: list[int | None]
    cadences: list[int | None]


class Totals(_Shape):
    """One week (from Monday) or one calendar month of running, in the runner's time zone."""

    start: date
    count: int
    distance_m: float
    moving_time_s: float
    elevation_gain_m: float
    average_pace_s_per_km: float | None


class BestEffort(_Shape):
    """The runner's fastest stretch of a standard distance, and the run it was in."""

    name: str
    distance_m: float
    elapsed_s: float
    pace_s_per_km: float
    run_id: str
    run_started_at: datetime
    start_offset_s: float


class ProfileChange(BaseModel):
    """The profile fields to change (the users service checks each value's range)."""

    model_config = ConfigDict(extra="forbid")

    name: str | None = Field(default=None, min_length=1, max_length=100)
    first_name: str | None = Field(default=None, max_length=100)
    last_name: str | None = Field(default=None, max_length=100)
    birth_year: int | None = Field(default=None, ge=1900, le=2100)
    sex: Literal[0, 1, 2, 9] | None = None
    weight_kg: float | None = Field(default=None, ge=20, le=400)
    max_heart_rate: int | None = Field(default=None, ge=30, le=250)
    resting_heart_rate: int | None = Field(default=None, ge=30, le=250)
    vo2max: float | None = Field(default=None, ge=10, le=100)
    home: Home | None = None
    units: Units | None = None
    time_zone: str | None = Field(default=None, max_length=64)
    email_preferences: EmailPreferences | None = None
