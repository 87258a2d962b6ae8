"""Strava and the runner's data in the browser: connect and backfill, download everything."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from playwright.async_api import expect

from runnerly_kit.testing.waiting import eventually

from ..system import EXPORT_SERVICES, System
from .conftest import App

pytestmark = pytest.mark.slow

PASSWORD = "a long easy passphrase"
#: A real GPX file (shared/corpus/activities/manifest.json), imported beside the Strava runs.
FILE = "tkrajina__korita-zbevnica.gpx"


async def _connect_strava(app: App, system: System, email: str) -> list[int]:
    """A runner with three runs at the local Strava connects it from the app; their ids."""
    fake = system.strava_fake
    athlete = fake.add_athlete("Gil", "Runner")
    now = datetime.now(UTC).replace(microsecond=0)
    activities = [
        fake.add_activity(
            athlete,
            "Run",
            name=f"Strava run {day}",
            start=now - timedelta(days=day, hours=3),
            distance_m=5000.0 + 500 * day,
            moving_time_s=1500 + 150 * day,
        )
        for day in (1, 2, 3)
    ]
    await system.signed_up(email, PASSWORD)
    await app.log_in(email, PASSWORD)
    await app.nav("Strava")
    await app.check_screen("strava")
    fake.sign_in(athlete)  # signed in at Strava, the athlete will click "Authorize"
    await app.page.get_by_role("button", name="Connect Strava", exact=True).click()
    # Strava's consent page sends the browser back to the dashboard's Strava screen.
    await app.heading("Strava")
    await expect(app.page.get_by_role("button", name="Disconnect Strava")).to_be_visible()
    return activities


async def test_a_runner_connects_strava_and_sees_the_backfilled_runs_on_the_home_screen(
    app: App, system: System
) -> None:
    """Connect Strava (the local Strava's consent, back to the app): the screen says it is
    connected, and the runs Strava held appear on the home screen, newest first."""
    page = app.page
    await _connect_strava(app, system, "gil@example.org")
    await app.check_screen("strava-connected")
    await expect(page.get_by_role("button", name="Sync now", exact=True)).to_be_visible()

    titles = await _backfilled(app, 3)
    assert titles == ["Strava run 1", "Strava run 2", "Strava run 3"]
    await app.screenshot("home-strava")


async def test_download_my_data_holds_every_services_part(
    app: App, system: System, corpus: Path
) -> None:
    """ "Download my data" of a runner with runs from Strava and from a file gives a zip with a
    folder per service: the profile from users, every run and its track from runs, the Strava
    link from strava."""
    page = app.page
    activities = await _connect_strava(app, system, "hal@example.org")
    await _backfilled(app, len(activities))
    await app.nav("Import")
    await page.get_by_label("Activity files").set_input_files(corpus / FILE)
    await page.get_by_role("button", name="Import", exact=True).click()
    results = page.get_by_role("region", name="Files").get_by_role("listitem")
    await expect(results.filter(has_text=FILE)).to_contain_text("created")
    await app.nav("Settings")
    async with page.expect_download() as waiting:
        await page.get_by_role("button", name="Download my data", exact=True).click()
    download = await waiting.value
    assert download.suggested_filename.startswith("runnerly-export-")
    assert download.suggested_filename.endswith(".zip")
    content = (await download.path()).read_bytes()

    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        names = archive.namelist()
        folders = {name.split("/", 1)[0] for name in names}
        runs_json = json.loads(archive.read("runs/runs.json"))
        users_part = [n for n in names if n.startswith("users/") and n.endswith(".json")]
        everything = b"".join(archive.read(n) for n in names if n.endswith(".json"))
    assert set(EXPORT_SERVICES) <= folders, names
    # A track for each of the three Strava runs and for the file's run.
    assert len([n for n in names if n.startswith("runs/files/")]) == len(activities) + 1, names
    sources = {source["source"] for run in runs_json["data"]["runs"] for source in run["sources"]}
    assert sources == {"strava", "gpx"}, sources
    assert users_part, names
    assert b"hal@example.org" in everything
    assert len(json.dumps(runs_json)) > 0
    assert all(f"Strava run {day}".encode() in everything for day in (1, 2, 3))
    assert str(activities[0]).encode() in everything  # strava's part names the activities


async def _backfilled(app: App, count: int) -> list[str]:
    """The home screen's run titles once the backfill brought ``count`` runs (reloading)."""

    async def titles() -> list[str] | None:
        await app.open("/")
        await app.heading("Home")
        panel = app.page.get_by_role("region", name="Last runs")
        await expect(panel).to_be_visible()
        shown = await panel.locator("tbody tr td a").all_inner_texts()
        return shown if len(shown) == count else None

    return await eventually(titles, what="the Strava backfill on the home screen")
