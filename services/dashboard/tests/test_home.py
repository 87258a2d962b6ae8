"""The home screen: one call, the runner and four panels from runs; runs down, the rest loads."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import date
from typing import Any

import pytest
from fastapi import FastAPI

from runnerly_kit.testing.ports import free_port
from runnerly_kit.testing.servers import serve

from .support import Stack, gpx_file


async def test_the_home_screen_shows_the_runners_runs_totals_and_efforts(stack: Stack) -> None:
    """After an upload, home shows the runner, the last runs newest first, this week's and
    month's totals, 12 weeks of distance (oldest first, Mondays) and best efforts;
    ``Cache-Control: no-store``."""
    browser, runner_id = await stack.runner()
    uploaded = await browser.upload(("a.gpx", gpx_file(3)), ("b.gpx", gpx_file(5)))
    assert uploaded.status_code == 200, uploaded.text

    response = await browser.get("/bff/v1/home")

    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    home = response.json()
    assert home["runner"]["id"] == runner_id
    last = home["last_runs"]
    assert last["status"] == "ok"
    assert [run["started_at"][:10] for run in last["data"]] == ["2026-11-05", "2026-11-03"]
    weeks = home["weekly_distance"]
    assert weeks["status"] == "ok"
    assert len(weeks["data"]) == 12
    starts = [date.fromisoformat(week["week_start"]) for week in weeks["data"]]
    assert starts == sorted(starts)
    assert all(day.weekday() == 0 for day in starts)
    totals = home["totals"]
    assert totals["status"] == "ok"
    assert set(totals["data"]) == {"week", "month"}
    assert home["best_efforts"]["status"] == "ok"
    assert any(effort["name"] for effort in home["best_efforts"]["data"])


class TestWithRunsDown:
    """runs is not running: its address refuses connections."""

    @pytest.fixture
    def runs_running(self) -> bool:
        return False

    async def test_the_home_screen_loads_with_the_runs_panels_unavailable(
        self, stack: Stack
    ) -> None:
        """With runs down the screen still answers 200: the runner's profile is there, each
        runs panel says unavailable with a message that names no address."""
        browser, runner_id = await stack.runner()

        response = await browser.get("/bff/v1/home")

        assert response.status_code == 200, response.text
        home = response.json()
        assert home["runner"]["id"] == runner_id
        for panel in ("last_runs", "totals", "weekly_distance", "best_efforts"):
            assert home[panel]["status"] == "unavailable", panel
            assert home[panel]["message"]
        assert "127.0.0.1" not in response.text
        assert stack.backend.runs.rsplit(":", 1)[1] not in response.text
        metrics = (await stack.http.get("/metrics")).text
        assert 'dashboard_panels_unavailable_total{panel="LastRuns"} 1.0' in metrics

    async def test_a_screen_that_needs_runs_is_a_503_naming_no_address(self, stack: Stack) -> None:
        """The runs list with runs down: 503 with the kit's envelope, no host nor port in it."""
        browser, _ = await stack.runner()

        response = await browser.get("/bff/v1/runs")

        assert response.status_code == 503
        assert response.json()["error"]["code"] == "peer_unavailable"
        assert "127.0.0.1" not in response.text
        assert stack.backend.runs.rsplit(":", 1)[1] not in response.text


class TestWithRunsTooSlow:
    """runs answers nothing until the test ends: every call to it misses its deadline."""

    @pytest.fixture
    async def slow_runs(self) -> AsyncIterator[str]:
        released = asyncio.Event()
        app = FastAPI()

        @app.get("/{path:path}")
        async def never(path: str) -> dict[str, str]:
            await released.wait()
            return {}

        port = free_port()
        async with serve(app, port=port):
            try:
                yield f"http://127.0.0.1:{port}"
            finally:
                released.set()

    @pytest.fixture
    def dashboard_options(self, slow_runs: str) -> dict[str, Any]:
        return {"runs_url": slow_runs, "panel_deadline_seconds": 0.5}

    async def test_each_runs_panel_is_unavailable_past_its_deadline(self, stack: Stack) -> None:
        """runs hanging: the screen still answers, once the panels' deadline has passed, with
        the runner and four unavailable panels."""
        browser, runner_id = await stack.runner()

        response = await browser.get("/bff/v1/home")

        assert response.status_code == 200, response.text
        home = response.json()
        assert home["runner"]["id"] == runner_id
        assert {home[p]["status"] for p in ("last_runs", "totals", "weekly_distance")} == {
            "unavailable"
        }
        assert home["best_efforts"]["status"] == "unavailable"
