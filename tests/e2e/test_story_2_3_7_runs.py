"""Stories 2, 3 and 7 end to end, and what account deletion (story 11) means for runs.

2. "As a user, I can connect to Runnerly and link my profile to my Strava account."
3. "As a connected user, I can see my last 10 runs appear in the dashboard."
7. Runs also come from GPX, TCX and FIT files, de-duplicated against Strava's copy of a run.

A runner signs up through users, activates the account through the mailed link and logs in
with the password grant at the token dealer: that access token is their bearer everywhere.
Runs, strava, the token dealer, users and the mailer are the real services, each with its own
database, talking over HTTP and NATS. Strava is the local server of `runnerly_strava.testing`,
spoken to by the strava service's real client; the runner's browser is played by an HTTP
client following its redirects.
"""

from __future__ import annotations

import hashlib
import itertools
import math
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import text

from runnerly_contracts.runs import RunCreated, RunUpdated
from runnerly_kit.db import Database
from runnerly_kit.testing.events import EventLog
from runnerly_kit.testing.waiting import eventually
from runnerly_runs.testing.samples import synthetic_run, to_fit, to_gpx, to_tcx
from runnerly_runs.tracks.model import Track

from .system import (
    ADMIN_EMAIL,
    RATE_WINDOW_SECONDS,
    LoggedIn,
    System,
    rows_about,
)

pytestmark = pytest.mark.slow


PASSWORD = "analytical engine 1843"
CREATED = RunCreated.event_type
UPDATED = RunUpdated.event_type
#: The radius the runs service documents for its haversine (the mean Earth radius).
EARTH_RADIUS_M = 6_371_000.0
MIME = {
    "gpx": "application/gpx+xml",
    "tcx": "application/vnd.garmin.tcx+xml",
    "fit": "application/octet-stream",
}


# ---------------------------------------------------------------- the runner's side


@dataclass
class Runner:
    """A logged-in runner and what they do through the HTTP APIs."""

    system: System
    account: LoggedIn

    @property
    def id(self) -> str:
        return self.account.id

    async def upload(self, *files: tuple[str, bytes]) -> httpx.Response:
        """POST {runs}/v1/runs/imports with (filename, content) files, as the dashboard does."""
        return await self.system.http.post(
            f"{self.system.runs}/v1/runs/imports",
            files=[
                ("files", (name, content, MIME[name.rsplit(".", 1)[-1]])) for name, content in files
            ],
            headers=self.account.headers,
        )

    async def last_runs(self, limit: int | None = None) -> list[dict[str, Any]]:
        """GET {runs}/v1/runs/last (the dashboard's "last 10 runs" unless ``limit``)."""
        params = {} if limit is None else {"limit": limit}
        response = await self.system.http.get(
            f"{self.system.runs}/v1/runs/last", params=params, headers=self.account.headers
        )
        assert response.status_code == 200, response.text
        runs: list[dict[str, Any]] = response.json()["runs"]
        return runs

    async def strava_ids(self) -> list[str]:
        """The Strava activity ids of the runner's runs, newest run first."""
        return [
            source["source_id"]
            for run in await self.last_runs(limit=50)
            for source in run["sources"]
            if source["source"] == "strava"
        ]

    async def connect_strava(self, athlete_id: int) -> None:
        """Link Strava: connect, then the browser to Strava's consent page and back."""
        fake = self.system.strava_fake
        started = await self.system.http.post(
            f"{self.system.strava}/v1/strava/connect", headers=self.account.headers
        )
        assert started.status_code == 200, started.text
        authorization_url = started.json()["authorization_url"]
        assert authorization_url.startswith(f"{fake.url}/oauth/authorize?")
        fake.sign_in(athlete_id)  # signed in at Strava, the athlete clicks "Authorize"
        async with httpx.AsyncClient(timeout=60) as browser:
            at_strava = await browser.get(authorization_url)
            assert at_strava.status_code == 302, at_strava.text
            callback = at_strava.headers["location"]
            assert callback.startswith(f"{self.system.strava}/v1/strava/callback?")
            assert "code=" in callback
            assert "state=" in callback
            back = await browser.get(callback)
        # Back to the dashboard's Strava screen (this client follows no redirect).
        assert back.status_code == 303, back.text
        assert back.headers["location"] == f"{self.system.dashboard}/strava?status=connected"

    async def strava_connection(self) -> dict[str, Any]:
        response = await self.system.http.get(
            f"{self.system.strava}/v1/strava/connection", headers=self.account.headers
        )
        assert response.status_code == 200, response.text
        body: dict[str, Any] = response.json()
        return body


async def sign_up(system: System, email: str = "ada@example.org") -> Runner:
    return Runner(system, await system.signed_up(email, PASSWORD))


async def subscribe_strava_webhook(system: System) -> None:
    """The operator, logged in as an admin, subscribes the webhook at Strava."""
    admin = await system.signed_up(ADMIN_EMAIL, PASSWORD, name="Coach")
    assert "admin" in admin.scopes
    created = await system.http.post(
        f"{system.strava}/v1/admin/strava/push-subscription", headers=admin.headers
    )
    assert created.status_code == 201, created.text
    assert created.json()["id"] in system.strava_fake.subscriptions


# ---------------------------------------------------------------- independent figures


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance between two points in degrees (our own, not the service's)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(a))


def distance_of(track: Track) -> float:
    """The sum of the hops between the generated points."""
    points = [
        (lat, lon)
        for lat, lon in zip(track.series.latitudes, track.series.longitudes, strict=True)
        if lat is not None and lon is not None
    ]
    return sum(haversine_m(*start, *end) for start, end in itertools.pairwise(points))


def duration_of(track: Track) -> float:
    """Last point's time minus the first's."""
    times = [track.started_at + timedelta(seconds=s) for s in track.series.seconds]
    return (times[-1] - times[0]).total_seconds()


def a_run(start: datetime, *, seed: int, points: int = 1800, pace: float = 330.0) -> Track:
    return synthetic_run(start=start, points=points, seed=seed, pace_s_per_km=pace)


def when(run: dict[str, Any]) -> datetime:
    return datetime.fromisoformat(run["started_at"])


# ---------------------------------------------------------------- waiting


async def synced(runner: Runner) -> bool:
    """The backfill listed every page and each job it queued is done (done jobs are deleted;
    a failed one would stay)."""
    if (await runner.strava_connection()).get("backfill") != "done":
        return False
    statuses = await job_statuses(runner.system, runner.id)
    assert "failed" not in statuses, statuses
    return not statuses


async def job_statuses(system: System, runner: str) -> list[str]:
    """The statuses of the runner's jobs in the strava service's own database."""
    database = Database(system.databases["strava"])
    try:
        async with database.transaction(write=False) as session:
            rows = await session.scalars(
                text("SELECT status FROM sync_jobs WHERE runner_id = :runner"),
                {"runner": runner},
            )
            return list(rows)
    finally:
        await database.dispose()


RUNS_TABLES = ("runs", "run_sources", "best_efforts")
STRAVA_TABLES = ("strava_links", "oauth_states", "sync_jobs")


# ---------------------------------------------------------------- story 7: files


async def test_runs_uploaded_as_gpx_tcx_and_fit_files_are_the_last_runs_newest_first(
    system: System, events: EventLog
) -> None:
    """GPX, TCX and FIT uploads are the last runs, newest first, each stored and announced once."""
    runner = await sign_up(system)
    today = datetime.now(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    tracks = {
        "gpx": a_run(today - timedelta(days=3) + timedelta(hours=6, minutes=30), seed=1),
        "tcx": a_run(today - timedelta(days=2) + timedelta(hours=7), seed=2, pace=300.0),
        "fit": a_run(today - timedelta(days=1) + timedelta(hours=18), seed=3, points=2100),
    }
    writers = {"gpx": to_gpx, "tcx": to_tcx, "fit": to_fit}
    files = {fmt: writers[fmt](track) for fmt, track in tracks.items()}

    uploaded = await runner.upload(*((f"morning.{fmt}", content) for fmt, content in files.items()))

    assert uploaded.status_code == 201, uploaded.text
    report = uploaded.json()["runs"]
    assert [(item["format"], item["status"]) for item in report] == [
        ("gpx", "created"),
        ("tcx", "created"),
        ("fit", "created"),
    ]
    runs = await runner.last_runs()
    newest_first = ["fit", "tcx", "gpx"]
    assert [run["sources"] for run in runs] == [
        [{"source": fmt, "source_id": hashlib.sha256(files[fmt]).hexdigest()}]
        for fmt in newest_first
    ]
    for run, fmt in zip(runs, newest_first, strict=True):
        track = tracks[fmt]
        assert when(run) == track.started_at, fmt
        assert run["distance_m"] == pytest.approx(distance_of(track), rel=1e-3), fmt
        assert run["elapsed_time_s"] == pytest.approx(duration_of(track), abs=1e-3), fmt
    # Sanity of the independent figures themselves: ~pace x duration.
    assert distance_of(tracks["tcx"]) == pytest.approx(1799 / 300 * 1000, rel=0.02)

    # A file that is no activity is refused with the error envelope, and changes nothing.
    refused = await runner.upload(("broken.gpx", b"<gpx><trk><trkseg><trkpt lat="))
    assert refused.status_code == 422, refused.text
    assert refused.json()["error"]["code"] == "unreadable_file"
    # The same file again is recognised, not stored twice.
    again = await runner.upload(("morning.gpx", files["gpx"]))
    assert again.status_code == 200, again.text
    assert again.json()["runs"][0]["status"] == "already_imported"
    assert again.json()["runs"][0]["run_id"] == runs[2]["id"]
    assert [run["id"] for run in await runner.last_runs()] == [run["id"] for run in runs]

    # Each run was announced once. A later change of one run is published after them
    # (the outbox relays in the order of its rows): once it is in, a duplicate would be too.
    await events.wait_for_all(3, CREATED, runner_id=runner.id)
    renamed = await system.http.patch(
        f"{system.runs}/v1/runs/{runs[0]['id']}",
        json={"title": "Hills"},
        headers=runner.account.headers,
    )
    assert renamed.status_code == 200, renamed.text
    await events.wait_for(UPDATED, run_id=runs[0]["id"])
    created = events.matching(CREATED, runner_id=runner.id)
    assert Counter(e.data["run_id"] for e in created) == Counter(run["id"] for run in runs)
    assert {e.data["source"] for e in created} == {"gpx", "tcx", "fit"}


# ---------------------------------------------------------------- stories 2 and 3: Strava


async def test_a_runner_links_strava_and_sees_their_last_10_runs_then_new_ones(
    system: System, events: EventLog
) -> None:
    """A runner links Strava, sees their last 10 runs, then a pushed new one, its file merged in."""
    await subscribe_strava_webhook(system)
    runner = await sign_up(system)
    fake = system.strava_fake
    athlete = fake.add_athlete("Ada", "Lovelace")
    now = datetime.now(UTC).replace(microsecond=0)
    past_runs = [
        fake.add_activity(
            athlete,
            "TrailRun" if day % 4 == 0 else "Run",
            start=now - timedelta(days=day, hours=3),
            distance_m=5000.0 + 250 * day,
            moving_time_s=1500 + 80 * day,
        )
        for day in range(1, 12)
    ]  # newest first
    ride = fake.add_activity(
        athlete, "Ride", start=now - timedelta(hours=20), distance_m=42_000.0, moving_time_s=5400
    )
    someone_else = fake.add_activity(fake.add_athlete("Grace", "Hopper"), "Run")

    await runner.connect_strava(athlete)

    connection = await runner.strava_connection()
    assert connection["connected"] is True
    assert connection["athlete_id"] == athlete
    await eventually(lambda: synced(runner), what="the backfill")
    assert await runner.strava_ids() == [str(a) for a in past_runs]  # no ride, nobody else's
    assert str(ride) not in await runner.strava_ids()
    assert str(someone_else) not in await runner.strava_ids()
    dashboard = await runner.last_runs()
    assert [run["sources"][0]["source_id"] for run in dashboard] == [
        str(a) for a in past_runs[:10]
    ]  # the last 10, newest first: the eleventh (oldest) is not among them
    for run in dashboard:
        activity = fake.activities[int(run["sources"][0]["source_id"])]
        assert when(run) == activity.start_date
        assert run["distance_m"] == pytest.approx(activity.distance)

    # A run done today: Strava pushes the event, the run appears on top.
    track = a_run(now - timedelta(hours=2), seed=11)
    today = fake.add_activity(
        athlete,
        "Run",
        name="Evening tempo",
        start=track.started_at,
        distance_m=round(distance_of(track), 1),
        moving_time_s=round(duration_of(track)),
    )
    pushed = await fake.push_event(
        object_type="activity", object_id=today, aspect_type="create", owner_id=athlete
    )
    assert pushed.status_code == 200, pushed.text

    async def on_top() -> dict[str, Any] | None:
        top = (await runner.last_runs())[0]
        return top if top["sources"][0]["source_id"] == str(today) else None

    top = await eventually(on_top, what="the pushed run on top of the last runs")
    assert top["title"] == "Evening tempo"
    assert len(await runner.last_runs()) == 10

    # The watch's own file of that same run: merged into it, not a second run.
    gpx = to_gpx(track)
    uploaded = await runner.upload(("evening-tempo.gpx", gpx))
    assert uploaded.status_code == 200, uploaded.text
    assert uploaded.json()["runs"] == [
        {
            "filename": "evening-tempo.gpx",
            "format": "gpx",
            "status": "merged",
            "run_id": top["id"],
        }
    ]
    everything = await runner.last_runs(limit=50)
    assert len(everything) == 12
    assert everything[0]["id"] == top["id"]
    assert {(s["source"], s["source_id"]) for s in everything[0]["sources"]} == {
        ("strava", str(today)),
        ("gpx", hashlib.sha256(gpx).hexdigest()),
    }

    # Each of the 12 runs was announced once, from Strava; the merge was an update of one.
    await events.wait_for_all(12, CREATED, runner_id=runner.id)
    await events.wait_for(UPDATED, run_id=top["id"])
    created = events.matching(CREATED, runner_id=runner.id)
    assert Counter(e.data["run_id"] for e in created) == Counter(run["id"] for run in everything)
    assert {e.data["source"] for e in created} == {"strava"}


# ---------------------------------------------------------------- Strava's rough edges


async def test_an_expired_strava_token_is_refreshed_during_a_sync(system: System) -> None:
    """An expired Strava token is refreshed mid-sync; the run arrives; tokens stay encrypted."""
    await subscribe_strava_webhook(system)
    runner = await sign_up(system)
    fake = system.strava_fake
    athlete = fake.add_athlete()
    first = fake.add_activity(athlete, "Run")
    await runner.connect_strava(athlete)
    await eventually(lambda: synced(runner), what="the backfill")
    assert await runner.strava_ids() == [str(first)]
    assert fake.token_calls("refresh_token") == []
    fake.expire_access_tokens(athlete)  # Strava says expired; the service believes it has hours

    second = fake.add_activity(athlete, "Run", start=datetime.now(UTC) - timedelta(hours=1))
    pushed = await fake.push_event(
        object_type="activity", object_id=second, aspect_type="create", owner_id=athlete
    )

    assert pushed.status_code == 200
    ids = await eventually(
        lambda: _having(runner, str(second)), what="the pushed run, after a token refresh"
    )
    assert ids == [str(second), str(first)]
    refreshes = fake.token_calls("refresh_token")
    assert len(refreshes) == 1
    detail = [c for c in fake.api_calls(f"/activities/{second}") if "streams" not in c.path]
    assert [c.status for c in detail] == [401, 200]  # refused, refreshed, asked again
    assert detail[0].at <= refreshes[0].at <= detail[1].at
    assert (await runner.strava_connection())["status"] == "active"
    # The new tokens are stored encrypted: none of them is in the database in clear.
    assert await _tokens_in_clear(system, fake.issued_tokens(athlete)) == []


async def test_strava_rate_limit_answers_are_backed_off_and_the_sync_completes(
    system: System,
) -> None:
    """After three 429s from Strava the sync waits for later windows, then brings every run."""
    runner = await sign_up(system)
    fake = system.strava_fake
    athlete = fake.add_athlete()
    activities = [
        fake.add_activity(athlete, "Run", start=datetime.now(UTC) - timedelta(days=day))
        for day in (1, 2, 3)
    ]
    fake.fail_next(3)  # Strava's window is spent: the next three calls get 429

    await runner.connect_strava(athlete)

    await eventually(lambda: synced(runner), what="the backfill, despite the 429s")
    assert await runner.strava_ids() == [str(a) for a in activities]
    calls = fake.api_calls()
    assert [c.status for c in calls[:3]] == [429, 429, 429]
    assert {c.status for c in calls[3:]} == {200}
    # Backed off: each call after a 429 waited for a later window of Strava's.
    windows = [math.floor(call.at / RATE_WINDOW_SECONDS) for call in calls[:4]]
    assert all(later > earlier for earlier, later in itertools.pairwise(windows)), windows


async def _having(runner: Runner, activity: str) -> list[str] | None:
    ids = await runner.strava_ids()
    return ids if activity in ids else None


async def _tokens_in_clear(system: System, tokens: list[str]) -> list[str]:
    database = Database(system.databases["strava"])
    try:
        async with database.transaction(write=False) as session:
            rows = (
                await session.execute(text("SELECT access_token, refresh_token FROM strava_links"))
            ).all()
    finally:
        await database.dispose()
    stored = " ".join(value for row in rows for value in row)
    assert rows
    return [token for token in tokens if token in stored]


# ---------------------------------------------------------------- story 11, for runs


async def test_a_deleted_account_is_forgotten_by_runs_and_strava(system: System) -> None:
    """A deleted account's runs and Strava link are erased, its grant revoked; others' runs stay."""
    runner = await sign_up(system)
    neighbour = await sign_up(system, "grace@example.org")
    fake = system.strava_fake
    athlete = fake.add_athlete()
    for day in (1, 2):
        fake.add_activity(athlete, "Run", start=datetime.now(UTC) - timedelta(days=day))
    ten_days_ago = datetime.now(UTC) - timedelta(days=10)
    assert (await runner.upload(("long.gpx", to_gpx(a_run(ten_days_ago, seed=5))))).is_success
    assert (await neighbour.upload(("own.gpx", to_gpx(a_run(ten_days_ago, seed=6))))).is_success
    await runner.connect_strava(athlete)
    await eventually(lambda: synced(runner), what="the backfill")
    assert len(await runner.last_runs()) == 3
    assert await rows_about(system, "runs", RUNS_TABLES, runner.id) > 0
    assert await rows_about(system, "strava", STRAVA_TABLES, runner.id) > 0

    deleted = await system.http.delete(
        f"{system.users}/v1/runners/{runner.id}", headers=runner.account.headers
    )

    assert deleted.status_code == 204, deleted.text

    # users.user.deleted.v1 travels through the broker to runs and strava.
    async def forgotten() -> bool:
        runs_left = await rows_about(system, "runs", RUNS_TABLES, runner.id)
        strava_left = await rows_about(system, "strava", STRAVA_TABLES, runner.id)
        return runs_left == strava_left == 0

    await eventually(forgotten, what="runs and strava forgetting the runner")
    # The strava service revoked its access at Strava on the way out (its last job).
    assert not fake.has_valid_grant(athlete)
    # Even a validly signed token for that subject is refused now (revocation, in the kit).
    ghost = {"Authorization": f"Bearer {system.token_dealer.runner_token(runner.id)}"}

    async def refused() -> bool:
        urls = (f"{system.runs}/v1/runs/last", f"{system.strava}/v1/strava/connection")
        return [(await system.http.get(u, headers=ghost)).status_code for u in urls] == [401, 401]

    await eventually(refused, what="runs and strava refusing the deleted runner's token")
    # Nobody else's runs went with them.
    assert len(await neighbour.last_runs()) == 1
