"""Helpers of the strava service's tests: the stack, the browser's OAuth dance, polling.

Everything is real but Strava: the token dealer, the runs service, NATS, the
strava service itself served on loopback; Strava is the local server of
:mod:`runnerly_strava.testing`, spoken to by the real client code.
"""

from __future__ import annotations

import uuid
from typing import Any

import httpx
from sqlalchemy import select, text

from runnerly_kit.testing.stack import ServiceStack
from runnerly_strava.models import StravaLink, SyncJob
from runnerly_strava.settings import StravaSettings
from runnerly_strava.testing import FakeStrava
from runnerly_tokendealer.testing import Client as OAuthClient

ENCRYPTION_KEY = "test-token-encryption-key-0123456789"
VERIFY_TOKEN = "test-webhook-verify-token-0123456789"
DASHBOARD = "http://dashboard.test:8700"

#: The test token dealer's clients: ours (it imports into runs), runs' own, and an
#: operator's allowed to export any runner's data.
TOKENDEALER_CLIENTS = (
    OAuthClient("strava", frozenset({"runs:import"})),
    OAuthClient("runs", frozenset()),
    OAuthClient("operator", frozenset({"export"})),
)


def new_runner() -> str:
    """A runner id no other test uses."""
    return str(uuid.uuid4())


def own_settings(port: int, fake: FakeStrava, runs_url: str) -> dict[str, Any]:
    """The strava service's own settings: the local Strava, the real runs, tiny delays.

    ``port`` is the service's own, which the OAuth callback URL names.
    """
    client = TOKENDEALER_CLIENTS[0]
    return {
        "client_id": client.client_id,
        "client_secret": client.password,
        "strava_client_id": fake.client_id,
        "strava_client_secret": fake.client_secret,
        "strava_api_url": fake.url,
        "strava_oauth_url": f"{fake.url}/oauth",
        "token_encryption_key": ENCRYPTION_KEY,
        "webhook_verify_token": VERIFY_TOKEN,
        "runs_url": runs_url,
        "public_url": f"http://127.0.0.1:{port}",
        "dashboard_url": DASHBOARD,
        "poll_seconds": 0.2,
        "retry_base_seconds": 0.05,
        "retry_cap_seconds": 0.5,
    }


class Stack(ServiceStack[StravaSettings]):
    """The strava service, the local Strava, the real token dealer and runs."""

    #: The local Strava the service talks to (set by the fixture that started both).
    strava: FakeStrava

    @property
    def runs_url(self) -> str:
        """Where the real runs service answers."""
        return self.settings.runs_url

    async def authorization_url(self, runner_id: str) -> str:
        """POST /v1/strava/connect as the runner."""
        response = await self.http.post(
            "/v1/strava/connect", headers=self.runner_headers(runner_id)
        )
        assert response.status_code == 200, response.text
        url: str = response.json()["authorization_url"]
        return url

    async def follow(self, authorization_url: str) -> httpx.Response:
        """The browser: to Strava's authorize page, then back to our callback (not further)."""
        async with httpx.AsyncClient() as browser:
            at_strava = await browser.get(authorization_url)
            assert at_strava.status_code == 302, at_strava.text
            return await browser.get(at_strava.headers["location"])

    async def connect(
        self, runner_id: str, athlete_id: int, *, scope: str = "read,activity:read_all"
    ) -> httpx.Response:
        """The whole connect flow, as the runner clicking "Authorize" at Strava."""
        url = await self.authorization_url(runner_id)
        self.strava.sign_in(athlete_id, scope=scope)
        return await self.follow(url)

    async def connected(self, runner_id: str, athlete_id: int) -> None:
        """Connect and check the browser lands on the dashboard's success page."""
        response = await self.connect(runner_id, athlete_id)
        assert response.status_code == 303, response.text
        assert response.headers["location"] == f"{DASHBOARD}/strava?status=connected"

    async def connection(self, runner_id: str) -> dict[str, Any]:
        """GET /v1/strava/connection as the runner."""
        response = await self.http.get(
            "/v1/strava/connection", headers=self.runner_headers(runner_id)
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body

    async def subscribe(self) -> int:
        """Create the push subscription through the operator endpoint."""
        response = await self.http.post(
            "/v1/admin/strava/push-subscription",
            headers=self.runner_headers(new_runner(), "admin"),
        )
        assert response.status_code == 201, response.text
        subscription_id: int = response.json()["id"]
        return subscription_id

    async def runs_of(self, runner_id: str) -> list[dict[str, Any]]:
        """The runner's last runs, from the real runs service."""
        async with httpx.AsyncClient(base_url=self.runs_url) as http:
            response = await http.get(
                "/v1/runs/last", params={"limit": 50}, headers=self.runner_headers(runner_id)
            )
        assert response.status_code == 200, response.text
        runs: list[dict[str, Any]] = response.json()["runs"]
        return runs

    async def strava_ids_in_runs(self, runner_id: str) -> set[str]:
        """The Strava ids of the runner's runs."""
        return {
            source["source_id"]
            for run in await self.runs_of(runner_id)
            for source in run.get("sources", [])
            if source["source"] == "strava"
        }

    async def link(self, runner_id: str) -> StravaLink | None:
        """The link row, read straight from the service's database."""
        async with self.runtime.db.transaction(write=False) as session:
            return await session.get(StravaLink, runner_id)

    async def jobs(self) -> list[SyncJob]:
        """Every job row."""
        async with self.runtime.db.transaction(write=False) as session:
            return list((await session.scalars(select(SyncJob))).all())

    async def idle(self) -> bool:
        """True when no queued job is left."""
        return not [job for job in await self.jobs() if job.status == "queued"]

    async def dump_database(self) -> str:
        """Every value of every table of the service's database, as text."""
        chunks: list[str] = []
        async with self.runtime.db.transaction(write=False) as session:
            for table in ("strava_links", "oauth_states", "sync_jobs", "push_subscriptions"):
                rows = (await session.execute(text(f"SELECT * FROM {table}"))).all()
                chunks.extend(repr(tuple(row)) for row in rows)
        return "\n".join(chunks)
