"""The JSON of the home screen: the runner, and a panel per part that runs serves."""

from __future__ import annotations

from datetime import date
from typing import Annotated

from pydantic import BaseModel, Field

from runnerly_dashboard.panels import Ready, Unavailable
from runnerly_dashboard.shapes import BestEffort, Profile, RunSummary, Totals


class WeekDistance(BaseModel):
    """How far the runner ran in one week (from Monday, in their time zone)."""

    week_start: date
    distance_m: float


class WeekAndMonth(BaseModel):
    """This week's and this month's totals."""

    week: Totals
    month: Totals


class LastRuns(Ready[list[RunSummary]]):
    """The last 10 runs, newest first."""


class ThisWeekAndMonth(Ready[WeekAndMonth]):
    """This week's and this month's totals."""


class WeeklyDistance(Ready[list[WeekDistance]]):
    """The last 12 weeks, oldest first, empty weeks included."""


class BestEfforts(Ready[list[BestEffort]]):
    """The runner's personal bests over standard distances."""


LastRunsPanel = Annotated[LastRuns | Unavailable, Field(discriminator="status")]
TotalsPanel = Annotated[ThisWeekAndMonth | Unavailable, Field(discriminator="status")]
WeeklyDistancePanel = Annotated[WeeklyDistance | Unavailable, Field(discriminator="status")]
BestEffortsPanel = Annotated[BestEfforts | Unavailable, Field(discriminator="status")]


class HomeScreen(BaseModel):
    """Everything the home screen shows, from one call."""

    runner: Profile
    last_runs: LastRunsPanel
    totals: TotalsPanel
    weekly_distance: WeeklyDistancePanel
    best_efforts: BestEffortsPanel
