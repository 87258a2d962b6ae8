"""The home screen, gathered in parallel: the profile from users, the panels from runs.

Each call has its own deadline (``panel_deadline_seconds``): with runs down
or slow, its panels say so and the screen still loads. The profile is not a
panel (the screen is the runner's): without users the screen is a 503, and a
401 from users (the session was revoked) is the screen's answer. The
statistics are asked in the runner's time zone as the session remembers it,
so that they need not wait for the profile.
"""

from __future__ import annotations

import asyncio
from typing import Any

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
from runnerly_dashboard.shapes import Profile, Totals
from runnerly_kit.errors import RunnerlyError, ServiceUnavailable

LAST_RUNS = 10
WEEKS = 12
_RUNS_DOWN = "Your runs cannot be shown right now; the rest of the page is up to date."


class _Periods(Ready[list[Totals]]):
    """Totals of consecutive periods, oldest first (runs' statistics)."""


async def home(context: Context, caller: Caller, time_zone: str | None) -> HomeScreen:
    """Every part of the home screen, each call under its deadline."""
    runs = context.parts.runs
    deadline = context.settings.panel_deadline_seconds
    zone = time_zone or "UTC"

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

    async def field(path: str, name: str, **params: Any) -> Any:
        return (await runs.json("GET", path, caller=caller, params=params))[name]

    def panel(call: Any, ready: type[Any]) -> Any:
        return gather_panel(
            call,
            ready=ready,
            deadline=deadline,
            message=_RUNS_DOWN,
            unavailable=context.parts.metrics.unavailable_panels,
        )

    async with asyncio.TaskGroup() as group:
        runner = group.create_task(profile())
        last = group.create_task(panel(field("/v1/runs/last", "runs", limit=LAST_RUNS), LastRuns))
        weeks = group.create_task(
            panel(field("/v1/runs/stats", "totals", period="week", count=WEEKS, tz=zone), _Periods)
        )
        month = group.create_task(
            panel(field("/v1/runs/stats", "totals", period="month", count=1, tz=zone), _Periods)
        )
        bests = group.create_task(
            panel(field("/v1/runs/best-efforts", "best_efforts"), BestEfforts)
        )
    found = runner.result()
    if isinstance(found, RunnerlyError):
        raise found
    return HomeScreen(
        runner=found,
        last_runs=last.result(),
        totals=_this_week_and_month(weeks.result(), month.result()),
        weekly_distance=_weekly_distance(weeks.result()),
        best_efforts=bests.result(),
    )


def _this_week_and_month(
    weeks: _Periods | Unavailable, month: _Periods | Unavailable
) -> ThisWeekAndMonth | Unavailable:
    if isinstance(weeks, Unavailable):
        return weeks
    if isinstance(month, Unavailable):
        return month
    return ThisWeekAndMonth(data=WeekAndMonth(week=weeks.data[-1], month=month.data[-1]))


def _weekly_distance(weeks: _Periods | Unavailable) -> WeeklyDistance | Unavailable:
    if isinstance(weeks, Unavailable):
        return weeks
    return WeeklyDistance(
        data=[
            WeekDistance(week_start=week.start, distance_m=week.distance_m) for week in weeks.data
        ]
    )
