"""The browser journeys' tools: Debian's Chromium driven by Playwright, screenshots, axe-core.

The journeys need ``/usr/bin/chromium`` (``apt-get install chromium``; CI installs it)
and the built app (``web/dist``, from ``make web``) with its ``node_modules`` (axe-core).
Without them the journeys skip on a developer's machine, and fail under ``CI=true``,
where they must run.
"""

from __future__ import annotations

import asyncio
import functools
import os
import re
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from playwright.async_api import Browser, BrowserContext, Page, async_playwright, expect

from ..system import ROOT, WEB_DIST, System

CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "web" / "node_modules" / "axe-core" / "axe.min.js"
#: Where each main screen's picture is kept (``var/`` is not committed).
SCREENSHOTS = Path(os.environ.get("RUNNERLY_SCREENSHOTS_DIR") or ROOT / "var" / "screenshots")
#: The narrowest phone the app is made for.
PHONE_WIDTH = 375
DESKTOP = {"width": 1280, "height": 900}
#: Bounds on failure (a busy machine starts a browser and eight servers slowly); a passing
#: journey never waits for them.
BOUND_MS = 30_000
#: The placeholder of a part of a screen still loading ("Loading the map…").
LOADING = re.compile(r"^Loading\b")
#: The innermost elements that stick out of the screen on the right, as tag.class (width).
_WIDE_ELEMENTS = """() => {
    const limit = document.documentElement.clientWidth;
    const out = [...document.querySelectorAll("body *")].filter(
        e => e.getBoundingClientRect().right > limit + 1 &&
             ![...e.children].some(c => c.getBoundingClientRect().right > limit + 1));
    return out.slice(0, 5).map(e =>
        `${e.tagName.toLowerCase()}${e.className && typeof e.className === "string"
            ? "." + e.className.trim().split(/\\s+/).join(".") : ""}` +
        ` (${Math.round(e.getBoundingClientRect().width)} px)`);
}"""
#: The axe-core impacts that fail a screen.
FAILING_IMPACTS = frozenset({"serious", "critical"})


def _missing() -> str | None:
    if not CHROMIUM.exists():
        return f"no {CHROMIUM} (apt-get install chromium)"
    if not (WEB_DIST / "index.html").exists():
        return f"the app is not built: no {WEB_DIST / 'index.html'} (make web)"
    if not AXE.exists():
        return f"no {AXE} (npm ci in web/)"
    return None


@pytest.fixture
def browser_tools() -> None:
    """Skip (or, under CI, fail) when Chromium, the built app or axe-core is missing."""
    missing = _missing()
    if missing is None:
        return
    if os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"the browser journeys must run under CI, but there is {missing}")
    pytest.skip(missing)


@pytest.fixture
async def browser(browser_tools: None) -> AsyncIterator[Browser]:
    """Headless Chromium, Debian's build (Playwright downloads no browser)."""
    expect.set_options(timeout=BOUND_MS)
    async with async_playwright() as playwright:
        launched = await playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            yield launched
        finally:
            await launched.close()


@dataclass
class App:
    """The app in a browser tab, against the whole running system."""

    system: System
    context: BrowserContext
    page: Page

    @property
    def url(self) -> str:
        """The dashboard's origin."""
        return self.system.dashboard

    async def open(self, path: str) -> None:
        """Load ``path`` of the app."""
        await self.page.goto(f"{self.url}{path}")

    async def heading(self, name: str) -> None:
        """Wait for the screen's title (its h1)."""
        await expect(
            self.page.get_by_role("heading", level=1, name=name, exact=True)
        ).to_be_visible()

    async def log_in(self, email: str, password: str) -> None:
        """Log in through the login screen; the home screen follows."""
        await self.open("/login")
        await self.heading("Log in")
        await self.page.get_by_label("Email", exact=True).fill(email)
        await self.page.get_by_label("Password", exact=True).fill(password)
        await self.page.get_by_role("button", name="Log in", exact=True).click()
        await self.heading("Home")

    async def nav(self, name: str) -> None:
        """Follow a link of the main navigation and wait for its screen."""
        await self.page.get_by_role("navigation").get_by_role("link", name=name, exact=True).click()
        await self.heading(name)

    async def check_screen(self, name: str) -> None:
        """The screen as it is now: a screenshot, no serious axe-core violation, and it fits
        a 375-pixel-wide phone without sideways scrolling (a screenshot of that too)."""
        await self.screenshot(name)
        await check_accessible(self.page, name)
        await self.page.set_viewport_size({"width": PHONE_WIDTH, "height": 812})
        try:
            # Charts and maps follow the new width a few frames later (ResizeObserver).
            overflow = await self._overflow_once_settled()
            if overflow > 0:
                wide = await self.page.evaluate(_WIDE_ELEMENTS)
                raise AssertionError(
                    f"{name}: {overflow} px wider than a {PHONE_WIDTH}-px screen, because of {wide}"
                )
            await self.screenshot(f"{name}-{PHONE_WIDTH}px")
        finally:
            await self.page.set_viewport_size(DESKTOP)

    async def _overflow_once_settled(self) -> int:
        """How far the page sticks out sideways, once it stopped changing (or the bound passed)."""

        async def overflow() -> int:
            width: int = await self.page.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            return width

        deadline = time.monotonic() + BOUND_MS / 1000
        width = await overflow()
        while width > 0 and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
            width = await overflow()
        return width

    async def screenshot(self, name: str) -> Path:
        """The whole page as ``<SCREENSHOTS>/<name>.png``."""
        # What loads after the screen (the map, the charts) is in the picture, not its placeholder.
        await expect(self.page.get_by_text(LOADING)).to_have_count(0)
        picture = await self.page.screenshot(full_page=True)
        return await asyncio.to_thread(_keep, SCREENSHOTS / f"{name}.png", picture)

    async def stored_tokens(self) -> dict[str, Any]:
        """What page script can read: cookies, local and session storage."""
        found: dict[str, Any] = await self.page.evaluate(
            """() => ({
                cookie: document.cookie,
                local: Object.fromEntries(Object.entries(localStorage)),
                session: Object.fromEntries(Object.entries(sessionStorage)),
            })"""
        )
        return found


@functools.cache
def _axe_source() -> str:
    return AXE.read_text()


def _keep(path: Path, picture: bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written whole then renamed: two workers taking the same screen never mix bytes.
    partial = path.with_suffix(f".{os.getpid()}.part")
    partial.write_bytes(picture)
    partial.replace(path)
    return path


async def check_accessible(page: Page, screen: str) -> None:
    """axe-core's checks on the page; a serious or critical violation fails, listed."""
    if not await page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol, which the app's Content-Security-Policy
        # rightly does not let an inline <script> (Playwright's add_script_tag) do.
        await page.evaluate(_axe_source())
    results = await page.evaluate(
        "async () => await axe.run(document, {resultTypes: ['violations']})"
    )
    failing = [v for v in results["violations"] if v.get("impact") in FAILING_IMPACTS]
    report = [
        f"{v['impact']}: {v['id']} ({v['help']}) at {[n['target'] for n in v['nodes']][:5]}"
        for v in failing
    ]
    assert not report, f"{screen}: axe-core found\n" + "\n".join(report)


@pytest.fixture
async def app(system: System, browser: Browser) -> AsyncIterator[App]:
    """A fresh browser (no cookies) on the dashboard of a freshly started system."""
    context = await browser.new_context(viewport=DESKTOP, accept_downloads=True)
    context.set_default_timeout(BOUND_MS)
    try:
        page = await context.new_page()
        yield App(system, context, page)
    finally:
        await context.close()


def corpus_dir() -> Path | None:
    """The shared corpus of real activity files, where this checkout can see one."""
    candidates = [
        os.environ.get("RUNNERLY_ACTIVITY_CORPUS"),
        ROOT.parent / "shared" / "corpus" / "activities",  # CI: shared/ beside the clone
        "/work/shared/corpus/activities",
    ]
    for candidate in candidates:
        if candidate and (Path(candidate) / "manifest.json").exists():
            return Path(candidate)
    return None


@pytest.fixture
def corpus() -> Path:
    """The folder of real activity files (skips when this machine has none)."""
    found = corpus_dir()
    if found is None:
        pytest.skip("no activity corpus (shared/corpus/activities) on this machine")
    return found
