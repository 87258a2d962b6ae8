"""The overview's body: the shapes of the routes it gathers, unchanged."""

from __future__ import annotations

from pydantic import BaseModel

from runnerly_runs.runs.schemas import RunSummary
from runnerly_runs.stats.schemas import PeriodTotals, PersonalBest


class OverviewFigures(BaseModel):
    """Everything but the last runs, whose listings are stored serialised and spliced in."""

    #: As ``/v1/runs/stats?period=week&count=<weeks>``: the last weeks, oldest first.
    weeks: PeriodTotals
    #: As ``/v1/runs/stats?period=month&count=1``: this month (``until``'s month).
    month: PeriodTotals
    #: As ``/v1/runs/best-efforts``.
    best_efforts: list[PersonalBest]


class RunsOverview(OverviewFigures):
    """The runner's last runs, weekly totals, this month's totals and best efforts."""

    #: As ``/v1/runs/last?limit=<last>``: newest first.
    runs: list[RunSummary]
