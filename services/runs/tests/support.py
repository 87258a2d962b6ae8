"""Helpers of the runs tests: a real token dealer, the runs service, the broker's events."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx

from runnerly_kit.testing.stack import ServiceStack
from runnerly_runs.settings import RunsSettings
from runnerly_runs.testing.samples import synthetic_run, to_fit, to_gpx, to_tcx
from runnerly_runs.tracks.model import Track
from runnerly_tokendealer.testing import Client as OAuthClient

CREATED = "runs.run.created.v1"
UPDATED = "runs.run.updated.v1"
DELETED = "runs.run.deleted.v1"

#: The test token dealer's clients: the strava service (it imports runs), one without the
#: scope, and an operator's allowed to export any runner's data.
TOKENDEALER_CLIENTS = (
    OAuthClient("strava", frozenset({"runs:import"})),
    OAuthClient("reports", frozenset({"reports:read"})),
    OAuthClient("operator", frozenset({"export"})),
)

WRITERS = {"gpx": to_gpx, "tcx": to_tcx, "fit": to_fit}
MIME = {
    "gpx": "application/gpx+xml",
    "tcx": "application/vnd.garmin.tcx+xml",
    "fit": "application/octet-stream",
}


def new_runner() -> str:
    return str(uuid.uuid4())


def a_run(day: int, *, points: int = 1800, hour: int = 7, seed: int = 0, **kwargs: Any) -> Track:
    """A deterministic synthetic run on November ``day``, 2026 (30 minutes at 1 Hz by default)."""
    start = datetime(2026, 11, day, hour, 0, tzinfo=UTC)
    return synthetic_run(start=start, points=points, seed=seed, **kwargs)


def file_of(track: Track, fmt: str) -> bytes:
    return WRITERS[fmt](track)


class Stack(ServiceStack[RunsSettings]):
    """A running runs service, the real token dealer it trusts, and the broker's events."""

    async def service_headers(self, client_id: str = "strava") -> dict[str, str]:
        """A service's bearer token (the strava service's unless another is named)."""
        return await super().service_headers(client_id)

    async def upload(
        self, runner_id: str, *files: tuple[str, bytes], mime: str = "application/octet-stream"
    ) -> httpx.Response:
        """POST /v1/runs/imports with the given (filename, content) files."""
        return await self.http.post(
            "/v1/runs/imports",
            files=[("files", (name, content, mime)) for name, content in files],
            headers=self.runner_headers(runner_id),
        )

    async def last_runs(self, runner_id: str, limit: int = 10) -> list[dict[str, Any]]:
        response = await self.http.get(
            "/v1/runs/last", params={"limit": limit}, headers=self.runner_headers(runner_id)
        )
        assert response.status_code == 200, response.text
        runs: list[dict[str, Any]] = response.json()["runs"]
        return runs

    async def manual_run(self, runner_id: str, **overrides: Any) -> dict[str, Any]:
        body = {
            "title": "Lunch run",
            "started_at": "2026-11-20T12:00:00+01:00",
            "distance_m": 8000,
            "moving_time_s": 2400,
            **overrides,
        }
        response = await self.http.post(
            "/v1/runs", json=body, headers=self.runner_headers(runner_id)
        )
        assert response.status_code == 201, response.text
        run: dict[str, Any] = response.json()
        return run
