"""The home screen, from two calls in parallel: the profile from users, the panels from runs.

Runs answers every panel in one call (``/v1/runs/overview``: last runs, weekly
totals, this month, best efforts, read in one transaction), so the screen costs
two peer requests, not five (bench/RESULTS.md, "Dashboard home screen"). Each
call has its own deadline (``panel_deadline_seconds``): with runs down or
slow, its panels say so and the screen still loads. The profile is not a
panel (the screen is the runner's): without users the screen is a 503, and a
401 from users (the session was revoked) is the screen's answer. The
statistics are asked in the runner's time zone as the session remembers it,
so that they need not wait for the profile.
"""

from __future__ import annotations

import asyncio

from pydantic import BaseModel

from runnerly_dashboard.dependencies import Context
from runnerly_dashboard.home.schemas import (
    BestEfforts,
    HomeScreen,
    LastRuns,
    ThisWeekAndMonth,
    WeekAndMonth,
    WeekDistance,
    WeeklyDistance,
)
from runnerly_dashboard.panels import Ready, Unavailable, gather_panel
from runnerly_dashboard.peers import Caller
from runnerly_dashboard.shapes import BestEffort, Profile, RunSummary, Totals
from runnerly_kit.errors import RunnerlyError, ServiceUnavailable

LAST_RUNS = 10
WEEKS = 12
_RUNS_DOWN = "Your runs cannot be shown right now; the rest of the page is up to date."
#: The panels the overview fills, as the metric of unavailable panels names them.
_RUNS_PANELS = (LastRuns, ThisWeekAndMonth, WeeklyDistance, BestEfforts)


class _Periods(BaseModel):
    """Totals of consecutive periods, oldest first (runs' statistics)."""

    totals: list[Totals]


class _Figures(BaseModel):
    """What the home screen reads of runs' overview."""

    runs: list[RunSummary]
    weeks: _Periods
    month: _Periods
    best_efforts: list[BestEffort]


class _Overview(Ready[_Figures]):
    """runs' overview of the runner: the data of every runs panel."""


async def home(context: Context, caller: Caller, time_zone: str | None) -> HomeScreen:
    """Every part of the home screen, each call under its deadline."""
    deadline = context.settings.panel_deadline_seconds

    async def profile() -> Profile | RunnerlyError:
        try:
            async with asyncio.timeout(deadline):
                body = await context.parts.users.json("GET", "/v1/runners/me", caller=caller)
        except TimeoutError:
            return ServiceUnavailable(
                "The users service did not answer in time; try again in a moment.",
                code="peer_unavailable",
                details={"peer": "users"},
            )
        except RunnerlyError as error:
            return error
        return Profile.model_validate(body)

    params = {"tz": time_zone or "UTC", "weeks": WEEKS, "last": LAST_RUNS}
    async with asyncio.TaskGroup() as group:
        runner = group.create_task(profile())
        overview = group.create_task(
            gather_panel(
                context.parts.runs.json("GET", "/v1/runs/overview", caller=caller, params=params),
                ready=_Overview,
                deadline=deadline,
                message=_RUNS_DOWN,
            )
        )
    found = runner.result()
    if isinstance(found, RunnerlyError):
        raise found
    figures = overview.result()
    if isinstance(figures, Unavailable):
        # One call, four panels: each is counted as the screen shows it.
        for panel in _RUNS_PANELS:
            context.parts.metrics.unavailable_panels.labels(panel.__name__).inc()
        return HomeScreen(
            runner=found,
            last_runs=figures,
            totals=figures,
            weekly_distance=figures,
            best_efforts=figures,
        )
    data = figures.data
    return HomeScreen(
        runner=found,
        last_runs=LastRuns(data=data.runs),
        totals=ThisWeekAndMonth(
            data=WeekAndMonth(week=data.weeks.totals[-1], month=data.month.totals[-1])
        ),
        weekly_distance=WeeklyDistance(
            data=[
                WeekDistance(week_start=week.start, distance_m=week.distance_m)
                for week in data.weeks.totals
            ]
        ),
        best_efforts=BestEfforts(data=data.best_efforts),
    )
