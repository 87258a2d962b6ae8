"""A runner's runs in the browser: real files imported, the home screen, miles, bad files."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.async_api import Locator, expect

from ..system import LoggedIn, System
from .conftest import App, check_accessible

pytestmark = pytest.mark.slow

PASSWORD = "a long easy passphrase"
#: One real file of each format, each accepted as a run (shared/corpus/activities/manifest.json).
FILES = (
    "tkrajina__korita-zbevnica.gpx",
    "alenrajs__sup_activity_1.tcx",
    "polyvert__activity-small-fenix2-run.fit",
)
METRES_PER_MILE = 1609.344
#: Over the 25 MiB an upload may hold (the runs service's limit, and the dashboard's).
HUGE = b"<gpx>" + b" " * (26 * 2**20) + b"</gpx>"
#: Distance written in km (or a pace per km): none may be left once the runner chose miles.
KILOMETRES = re.compile(r"\d\s?km\b|/\s?km\b")


def _references(corpus: Path) -> list[dict[str, Any]]:
    """The corpus' reference figures of FILES, newest run first."""
    manifest = {e["file"]: e for e in json.loads((corpus / "manifest.json").read_text())}
    chosen = [manifest[name] for name in FILES]
    return sorted(chosen, key=lambda e: datetime.fromisoformat(e["ref"]["start"]), reverse=True)


async def _rows(table: Locator) -> list[list[str]]:
    """Each row's cells' text, of the runs table in ``table`` (a panel or the screen)."""
    rows = table.locator("tbody tr")
    return [
        [cell.strip() for cell in await row.locator("td").all_inner_texts()]
        for row in await rows.all()
    ]


async def _runner(app: App, system: System, email: str) -> LoggedIn:
    account = await system.signed_up(email, PASSWORD)
    await app.log_in(email, PASSWORD)
    return account


async def _stored_runs(system: System, account: LoggedIn) -> list[dict[str, Any]]:
    listed = await system.http.get(f"{system.runs}/v1/runs", headers=account.headers)
    assert listed.status_code == 200, listed.text
    runs: list[dict[str, Any]] = listed.json()["runs"]
    return runs


async def test_a_runner_imports_a_gpx_a_tcx_and_a_fit_file_and_sees_them_newest_first_in_miles(
    app: App, system: System, corpus: Path
) -> None:
    """Three real files (GPX, TCX, FIT) imported in the app are created; the home screen lists
    them newest first with their distances; after choosing miles, every screen shows miles."""
    page = app.page
    await _runner(app, system, "dee@example.org")
    await app.nav("Import")
    await app.check_screen("import")
    await page.get_by_label("Activity files").set_input_files([corpus / name for name in FILES])
    await page.get_by_role("button", name="Import", exact=True).click()
    results = page.get_by_role("region", name="Files").get_by_role("listitem")
    for name in FILES:
        await expect(results.filter(has_text=name)).to_contain_text("created")
    await app.screenshot("import-results")

    await app.nav("Home")
    references = _references(corpus)
    await expect(page.get_by_role("region", name="Last runs").locator("tbody tr")).to_have_count(3)
    rows = await _rows(page.get_by_role("region", name="Last runs"))
    for row, reference in zip(rows, references, strict=True):
        shown_km = float(row[2].removesuffix(" km"))
        assert shown_km == pytest.approx(reference["ref"]["distance_m"] / 1000, rel=0.03), row
        assert re.fullmatch(r"\d+:\d\d /km|\N{EN DASH}", row[4]), row  # a pace per km, or none
    for panel in ("Last runs", "This week and month", "Weekly distance", "Best efforts"):
        await expect(page.get_by_role("region", name=panel)).to_be_visible()
    await app.check_screen("home-three-files")

    await app.nav("Runs")
    await expect(page.get_by_role("main").locator("tbody tr")).to_have_count(3)
    await app.check_screen("runs-three-files")
    await page.get_by_role("main").locator("tbody tr").first.get_by_role("link").click()
    await expect(page.get_by_role("heading", level=1)).to_be_visible()
    await expect(page.get_by_role("button", name="Delete run", exact=True)).to_be_visible()
    await app.check_screen("run-from-a-file")

    await app.nav("Settings")
    await page.get_by_label("Units", exact=True).select_option("miles")
    await page.get_by_role("button", name="Save", exact=True).click()
    await expect(page.get_by_role("status")).to_be_visible()
    for screen in ("Home", "Runs"):
        await app.nav(screen)
        await expect(page.get_by_role("main")).to_contain_text(" mi")
        text = await page.get_by_role("main").inner_text()
        assert not KILOMETRES.search(text), f"{screen} still shows km: {text}"
    rows_in_miles = await _rows(page.get_by_role("main"))
    for row, reference in zip(rows_in_miles, references, strict=True):
        shown_miles = float(row[2].removesuffix(" mi"))
        expected = reference["ref"]["distance_m"] / METRES_PER_MILE
        assert shown_miles == pytest.approx(expected, rel=0.03), row
    await page.get_by_role("main").locator("tbody tr").first.get_by_role("link").click()
    await expect(page.get_by_role("button", name="Delete run", exact=True)).to_be_visible()
    await expect(page.get_by_role("main")).to_contain_text(" mi")
    text = await page.get_by_role("main").inner_text()
    assert not KILOMETRES.search(text), f"the run's page still shows km: {text}"
    await app.screenshot("run-miles")


async def test_a_file_that_is_no_activity_or_over_the_limit_is_refused_and_nothing_is_stored(
    app: App, system: System, tmp_path: Path
) -> None:
    """A text file named .gpx is refused with its reason; a file over the 25 MiB limit is
    refused before it is sent, saying so; the runner still has no run."""
    page = app.page
    account = await _runner(app, system, "eve@example.org")
    await app.nav("Import")
    # Files on disk, not buffers: a 26 MiB buffer crosses Playwright's protocol in base64
    # (over a minute on a busy machine); a path is read by the browser itself.
    notes_file, huge_file = tmp_path / "notes.gpx", tmp_path / "huge.gpx"
    notes_file.write_bytes(b"my shopping list")
    huge_file.write_bytes(HUGE)
    await page.get_by_label("Activity files").set_input_files([notes_file, huge_file])
    results = page.get_by_role("region", name="Files").get_by_role("listitem")
    huge = results.filter(has_text="huge.gpx")
    await expect(huge).to_contain_text(re.compile(r"refused\W.*(limit|larger|too large)", re.I))
    button = page.get_by_role("button", name="Import", exact=True)
    await button.click()
    notes = results.filter(has_text="notes.gpx")
    # The reason says what the file is not (and no other failure passes for it).
    await expect(notes).to_contain_text(re.compile(r"refused\W.*(GPX|TCX|FIT|activity)", re.I))
    await expect(notes).not_to_contain_text("created")
    await app.screenshot("import-refused")
    # Past the app's own check, the BFF refuses it too, as it streams in: 413, in JSON. Sent
    # with the browser's own session cookie, from Python (the file need not cross Playwright).
    cookies = {c["name"]: c["value"] for c in await app.context.cookies() if "name" in c}
    async with httpx.AsyncClient(base_url=system.dashboard, cookies=cookies) as browser_like:
        token = (await browser_like.get("/bff/v1/session")).json()["csrf_token"]
        too_large = await browser_like.post(
            "/bff/v1/imports",
            headers={"Origin": system.dashboard, "X-CSRF-Token": token},
            files={"files": ("huge.gpx", HUGE, "application/gpx+xml")},
        )

    assert too_large.status_code == 413, too_large.text
    assert "error" in too_large.json()
    assert await _stored_runs(system, account) == []


async def test_with_runs_stopped_the_home_screen_loads_and_says_runs_are_unavailable(
    app: App, system: System
) -> None:
    """With the runs service down, the home screen still loads (the runner's name, the
    navigation) and the runs panel says it is unavailable."""
    page = app.page
    await _runner(app, system, "fay@example.org")
    await system.stop_runs()

    await page.reload()
    await app.heading("Home")
    last_runs = page.get_by_role("region", name="Last runs")
    await expect(last_runs).to_contain_text("unavailable")
    await expect(
        page.get_by_role("navigation").get_by_role("link", name="Settings")
    ).to_be_visible()
    await app.screenshot("home-runs-unavailable")
    await check_accessible(page, "home-runs-unavailable")
