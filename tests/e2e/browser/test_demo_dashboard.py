"""The newcomer's first look: after `runnerly demo`, the demo runner's full dashboard."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from playwright.async_api import expect

from runnerly_launcher.demo import DEMO_EMAIL, DEMO_PASSWORD, Target, run_demo

from ..system import CLI_SECRET, System
from .conftest import App

pytestmark = pytest.mark.slow


async def test_the_demo_runner_sees_a_full_dashboard_on_every_main_screen(
    app: App, system: System
) -> None:
    """Logged in as the demo runner `runnerly demo` made, the home screen shows the last ten
    runs, twelve weeks of distance and best efforts up to 10 km; the runs list and a run's page
    are full too. The screenshots of the main screens are taken here, with a year of data."""
    target = Target(
        users_url=system.users,
        runs_url=system.runs,
        tokendealer_url=system.tokendealer,
        cli_secret=CLI_SECRET,
        mail_dir=system.mail_dir,
    )
    # The year ends yesterday, as with `runnerly demo`: the home screen's recent panels are full.
    await asyncio.to_thread(run_demo, target, datetime.now(UTC).date() - timedelta(days=1))
    page = app.page

    await app.log_in(DEMO_EMAIL, DEMO_PASSWORD)
    await expect(page.get_by_role("region", name="Last runs").locator("tbody tr")).to_have_count(10)
    best = page.get_by_role("region", name="Best efforts")
    for distance in ("1k", "5k", "10k"):
        await expect(best.get_by_text(distance, exact=True)).to_be_visible()
    await expect(page.get_by_role("region", name="Weekly distance")).not_to_contain_text(
        "Most in one week: 0.00"
    )
    await app.check_screen("home")

    await app.nav("Runs")
    await expect(page.get_by_role("main").locator("tbody tr").first).to_be_visible()
    await app.check_screen("runs")
    await page.get_by_role("main").get_by_role("link", name="Long run").first.click()
    await expect(page.get_by_role("heading", level=1, name="Long run")).to_be_visible()
    await app.check_screen("run")

    await app.nav("Settings")
    await expect(page.get_by_label("Time zone", exact=True)).to_have_value("Europe/Paris")
    await app.check_screen("settings")
