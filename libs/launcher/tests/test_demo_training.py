"""The demo's generated year: repeatable to the byte, and shaped like a runner's training."""

from __future__ import annotations

import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from runnerly_launcher.demo import DemoError, last_day
from runnerly_launcher.demo_training import Kind, demo_files, training_year

LAST_DAY = date(2026, 11, 29)


def test_the_same_day_and_seed_give_byte_identical_files() -> None:
    """Two generations of the same year are the same bytes (runs then knows them as imported)."""
    first = [f.content for f in demo_files(training_year(LAST_DAY)[:5])]
    again = [f.content for f in demo_files(training_year(LAST_DAY)[:5])]

    assert first == again
    assert len(set(first)) == 5


def test_a_year_holds_three_to_five_runs_a_week_with_a_weekly_long_run() -> None:
    """52 weeks of 2 to 5 runs, a long run every Sunday, growing from about 25 to 50 km a week."""
    plan = training_year(LAST_DAY)
    weeks = Counter(run.started_at.date().isocalendar()[:2] for run in plan)
    long_runs = [run for run in plan if run.kind is Kind.long]
    km: dict[tuple[int, int], float] = {}
    for run in plan:
        week = run.started_at.date().isocalendar()[:2]
        km[week] = km.get(week, 0.0) + run.distance_m / 1000
    weekly = [km[week] for week in sorted(km)]

    assert len(weeks) == 52
    assert all(2 <= count <= 5 for count in weeks.values())
    assert len(long_runs) == 52
    assert all(15 <= total <= 70 for total in weekly), weekly
    assert sum(weekly[-8:]) > 1.5 * sum(weekly[:8])  # the training progressed
    assert max(run.started_at.date() for run in plan) <= LAST_DAY


def test_a_year_ending_midweek_holds_no_run_after_its_last_day() -> None:
    """A year ending on a Wednesday has no run planned for the Thursday or the weekend after."""
    wednesday = date(2026, 11, 25)

    plan = training_year(wednesday)

    assert max(run.started_at.date() for run in plan) <= wednesday


def test_paces_and_heart_rates_fit_each_kind_of_run() -> None:
    """Every stretch runs between 3:00 and 8:00 /km; intervals are faster and harder than jogs."""
    plan = training_year(LAST_DAY)
    paces = [s.pace_s_per_km for run in plan for s in run.segments]
    intervals = [run for run in plan if run.kind is Kind.intervals]

    assert all(180 <= pace <= 480 for pace in paces)
    for run in intervals:
        fastest = min(run.segments, key=lambda s: s.pace_s_per_km)
        assert fastest.distance_m == 800
        assert fastest.heart_rate > max(s.heart_rate for s in run.segments if s is not fastest)


def test_the_demo_year_ends_on_the_first_demos_day(tmp_path: Path) -> None:
    """The first demo records its day; later demos generate the same year whatever the date."""
    state = tmp_path / "var" / "demo.json"

    first = last_day(state, date(2026, 11, 29))
    later = last_day(state, date(2027, 3, 1))

    assert first == later == date(2026, 11, 29)
    assert json.loads(state.read_text()) == {"last_day": "2026-11-29"}


def test_a_damaged_demo_state_is_refused_with_what_to_do(tmp_path: Path) -> None:
    """A demo.json that is not the demo's own is refused, saying to remove it."""
    state = tmp_path / "demo.json"
    state.write_text("{}")

    with pytest.raises(DemoError, match="remove it"):
        last_day(state, date(2026, 11, 29))
