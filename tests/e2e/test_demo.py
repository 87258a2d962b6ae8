"""``runnerly demo`` against the whole system: an activated runner with a year of runs, once."""

from __future__ import annotations

import asyncio
from collections import Counter
from datetime import date, datetime, timedelta
from typing import Any

import pytest

from runnerly_launcher.demo import DEMO_EMAIL, DEMO_PASSWORD, Target, run_demo
from runnerly_launcher.login import log_in

from .system import CLI_SECRET, System

pytestmark = pytest.mark.slow

LAST_DAY = date(2026, 11, 29)  # a Sunday: the year is 52 whole weeks


async def _all_runs(system: System, bearer: dict[str, str]) -> list[dict[str, Any]]:
    runs: list[dict[str, Any]] = []
    cursor: str | None = None
    while True:
        params = {"limit": "100", **({"cursor": cursor} if cursor else {})}
        page = await system.http.get(f"{system.runs}/v1/runs", params=params, headers=bearer)
        assert page.status_code == 200, page.text
        runs += page.json()["runs"]
        cursor = page.json()["next_cursor"]
        if cursor is None:
            return runs


async def test_the_demo_makes_an_active_runner_with_a_plausible_year_and_a_second_adds_nothing(
    system: System,
) -> None:
    """`runnerly demo` signs up and activates the demo runner through the real activation mail,
    imports a year of 3 to 5 runs a week at runners' paces; run again, it adds nothing."""
    target = Target(
        users_url=system.users,
        runs_url=system.runs,
        tokendealer_url=system.tokendealer,
        cli_secret=CLI_SECRET,
        mail_dir=system.mail_dir,
    )

    first = await asyncio.to_thread(run_demo, target, LAST_DAY)
    tokens = await asyncio.to_thread(
        log_in, system.tokendealer, CLI_SECRET, DEMO_EMAIL, DEMO_PASSWORD
    )
    bearer = {"Authorization": f"Bearer {tokens.access_token}"}
    runs = await _all_runs(system, bearer)
    second = await asyncio.to_thread(run_demo, target, LAST_DAY)
    runs_after = await _all_runs(system, bearer)
    profile = (await system.http.get(f"{system.users}/v1/runners/me", headers=bearer)).json()

    assert first.signed_up
    assert set(first.statuses) == {"created"}
    assert len(runs) == first.statuses["created"]
    assert not second.signed_up  # logged in: the account was there
    assert set(second.statuses) == {"already_imported"}
    assert second.statuses["already_imported"] == len(runs)
    assert sorted(r["id"] for r in runs_after) == sorted(r["id"] for r in runs)
    assert profile["id"] == first.runner_id
    assert profile["time_zone"] == "Europe/Paris"

    starts = [datetime.fromisoformat(r["started_at"]) for r in runs]
    assert max(starts).date() <= LAST_DAY
    assert min(starts).date() >= LAST_DAY - timedelta(weeks=52)
    assert (max(starts) - min(starts)).days > 350  # a whole year, not a few weeks
    weeks = Counter(s.isocalendar()[:2] for s in starts)
    assert len(weeks) == 52
    assert all(2 <= count <= 5 for count in weeks.values())  # one run in a week may be missed
    weekly_km: Counter[tuple[int, int]] = Counter()
    for run, start in zip(runs, starts, strict=True):
        weekly_km[start.isocalendar()[:2]] += run["distance_m"] / 1000
    assert all(10 <= km <= 80 for km in weekly_km.values()), sorted(weekly_km.values())
    assert all(180 <= r["average_pace_s_per_km"] <= 480 for r in runs)
    assert all(120 <= r["average_heart_rate"] <= 175 for r in runs)
    assert all(r["polyline"] and r["elevation_gain_m"] > 0 for r in runs)
    assert {r["title"] for r in runs} >= {"Easy run", "Long run", "Recovery run"}
