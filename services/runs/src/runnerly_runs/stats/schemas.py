"""Bodies of the statistics API."""

from __future__ import annotations

from datetime import date, datetime
from typing import Literal

from pydantic import BaseModel

Period = Literal["week", "month"]


class Totals(BaseModel):
    """One week (from Monday) or one calendar month of running, in the runner's time zone."""

    start: date
    count: int
    distance_m: float
    moving_time_s: float
    elevation_gain_m: float
    #: Seconds per kilometre over the period (moving time over distance); null without running.
    average_pace_s_per_km: float | None


class PeriodTotals(BaseModel):
    period: Period
    time_zone: str
    #: Oldest first, every period of the range, empty ones included (charts need the gaps).
    totals: list[Totals]


class PersonalBest(BaseModel):
    """The runner's fastest stretch of a standard distance, and the run it was in."""

    name: str
    distance_m: float
    elapsed_s: float
    pace_s_per_km: float
    run_id: str
    run_started_at: datetime
    start_offset_s: float


class PersonalBests(BaseModel):
    best_efforts: list[PersonalBest]
