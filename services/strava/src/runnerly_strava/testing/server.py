"""The local Strava: its state, the controls tests drive it with, and its app on a free port.

The endpoints live in :mod:`.oauth`, :mod:`.api` and :mod:`.subscriptions`;
each answers from the :class:`FakeStrava` it is built for.
"""

from __future__ import annotations

import contextlib
import itertools
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from fastapi import FastAPI, Request, Response

from runnerly_kit.testing.servers import serve
from runnerly_strava.testing.activities import Activity, Athlete, generate
from runnerly_strava.testing.api import API_PREFIXES, api_router
from runnerly_strava.testing.grants import Grants
from runnerly_strava.testing.oauth import oauth_router
from runnerly_strava.testing.subscriptions import subscriptions_router
from runnerly_strava.testing.usage import Usage


@dataclass(frozen=True)
class RecordedCall:
    """One request the fake received."""

    method: str
    path: str
    params: dict[str, str]
    at: float
    status: int

    @property
    def is_api(self) -> bool:
        """A call counted against the rate limits (``/athlete...``, ``/activities...``)."""
        return self.path.startswith(API_PREFIXES)


class FakeStrava:
    """The local Strava's state, its test controls, and its ASGI app (:attr:`app`)."""

    def __init__(
        self,
        *,
        client_id: str = "4242",
        client_secret: str = "local-strava-client-secret",  # noqa: S107 - a test double's
        token_lifetime: int = 21600,
        rate_limit: tuple[int, int] = (200, 2000),
        read_rate_limit: tuple[int, int] | None = (100, 1000),
        window_seconds: float = 900.0,
        daily_window_seconds: float = 86400.0,
    ) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.token_lifetime = token_lifetime
        self.usage = Usage(rate_limit, read_rate_limit, window_seconds, daily_window_seconds)
        self.grants = Grants()
        self.url = ""
        self.athletes: dict[int, Athlete] = {}
        self.activities: dict[int, Activity] = {}
        self.calls: list[RecordedCall] = []
        self.subscriptions: dict[int, dict[str, Any]] = {}
        self._ids = itertools.count(9_000_000_001)
        self._athlete_ids = itertools.count(134_815)
        self._subscription_ids = itertools.count(120_475)
        self.app = self._build_app()

    # ------------------------------------------------------------- controls
    def add_athlete(self, firstname: str = "Ada", lastname: str = "Runner") -> int:
        """A new athlete; their id."""
        athlete = Athlete(next(self._athlete_ids), firstname, lastname)
        self.athletes[athlete.id] = athlete
        return athlete.id

    def add_activity(
        self,
        athlete_id: int,
        sport_type: str = "Run",
        *,
        name: str | None = None,
        start: datetime | None = None,
        distance_m: float = 10_000.0,
        moving_time_s: int = 3_000,
        timezone: str = "Europe/Paris",
        description: str | None = None,
        with_streams: bool = True,
    ) -> int:
        """A new activity of ``athlete_id`` (with streams and laps); its id."""
        start = start or datetime.now(UTC).replace(microsecond=0) - timedelta(days=1)
        activity = Activity(
            id=next(self._ids),
            athlete_id=athlete_id,
            name=name or f"Morning {sport_type}",
            sport_type=sport_type,
            start_date=start.astimezone(UTC),
            distance=float(distance_m),
            moving_time=moving_time_s,
            elapsed_time=moving_time_s + 30,
            timezone=timezone,
            description=description,
        )
        if with_streams:
            activity.streams, activity.laps = generate(activity)
        self.activities[activity.id] = activity
        return activity.id

    def update_activity(self, activity_id: int, **changes: Any) -> None:
        """Change an activity's fields (``name``, ``sport_type``, ``description``...)."""
        activity = self.activities[activity_id]
        for key, value in changes.items():
            setattr(activity, key, value)

    def delete_activity(self, activity_id: int) -> None:
        """The athlete deleted the activity."""
        del self.activities[activity_id]

    def sign_in(
        self, athlete_id: int, *, scope: str = "read,activity:read_all", deny: bool = False
    ) -> None:
        """The next ``/oauth/authorize`` is answered as ``athlete_id`` granting ``scope``
        (or clicking Cancel, with ``deny``)."""
        self.grants.signed_in = (athlete_id, scope, deny)

    def expire_access_tokens(self, athlete_id: int) -> None:
        """The athlete's access tokens expire now (the refresh tokens stay valid)."""
        now = int(time.time())
        for grant in self.grants.of(athlete_id):
            grant.expires_at = min(grant.expires_at, now - 1)

    def revoke(self, athlete_id: int) -> None:
        """The athlete revoked Runnerly in Strava's settings: every token stops working."""
        for grant in self.grants.of(athlete_id):
            grant.revoked = True

    def fail_next(self, count: int) -> None:
        """Answer the next ``count`` API calls with 429 (usage shown at the limit)."""
        self.usage.fail_next = count

    def has_valid_grant(self, athlete_id: int) -> bool:
        """True while some token of the athlete still works (not revoked)."""
        return any(not grant.revoked for grant in self.grants.of(athlete_id))

    def issued_tokens(self, athlete_id: int) -> list[str]:
        """Every access and refresh token ever issued for the athlete."""
        return [
            token
            for grant in self.grants.of(athlete_id)
            for token in (grant.access_token, grant.refresh_token)
        ]

    def api_calls(self, path: str = "") -> list[RecordedCall]:
        """The calls counted against the rate limits (whose path starts with ``path``)."""
        return [c for c in self.calls if c.is_api and c.path.startswith(path)]

    def token_calls(self, grant_type: str) -> list[RecordedCall]:
        """The ``/oauth/token`` calls of one grant type."""
        return [
            c
            for c in self.calls
            if c.path == "/oauth/token" and c.params.get("grant_type") == grant_type
        ]

    async def push_event(
        self,
        *,
        object_type: str,
        object_id: int,
        aspect_type: str,
        owner_id: int,
        updates: dict[str, str] | None = None,
        subscription_id: int | None = None,
    ) -> httpx.Response:
        """POST an event to the subscription's callback, as Strava does."""
        if subscription_id is None:
            if not self.subscriptions:
                raise RuntimeError("no push subscription: create one first")
            subscription_id = next(iter(self.subscriptions))
        callback = (
            self.subscriptions[subscription_id]["callback_url"]
            if subscription_id in self.subscriptions
            else next(iter(self.subscriptions.values()))["callback_url"]
        )
        event = {
            "aspect_type": aspect_type,
            "event_time": int(time.time()),
            "object_id": object_id,
            "object_type": object_type,
            "owner_id": owner_id,
            "subscription_id": subscription_id,
            "updates": updates or {},
        }
        async with httpx.AsyncClient(timeout=5.0) as http:
            return await http.post(callback, json=event)

    def next_subscription_id(self) -> int:
        """The id of the next push subscription."""
        return next(self._subscription_ids)

    # ------------------------------------------------------------ the app
    def _build_app(self) -> FastAPI:
        app = FastAPI(title="Local Strava", openapi_url=None, docs_url=None, redoc_url=None)

        @app.middleware("http")
        async def record(
            request: Request, call_next: Callable[[Request], Awaitable[Response]]
        ) -> Response:
            arrived = time.time()
            response = await call_next(request)
            # The form, as the handler read it (reading it here would consume the body).
            params = {**request.query_params, **getattr(request.state, "form", {})}
            self.calls.append(
                RecordedCall(
                    request.method, request.url.path, params, arrived, response.status_code
                )
            )
            return response

        app.include_router(oauth_router(self))
        app.include_router(api_router(self))
        app.include_router(subscriptions_router(self))
        return app


@contextlib.asynccontextmanager
async def running_fake_strava(**options: Any) -> AsyncIterator[FakeStrava]:
    """Serve a :class:`FakeStrava` on a free loopback port (``fake.url`` is its base URL)."""
    fake = FakeStrava(**options)
    async with serve(fake.app) as url:
        fake.url = url
        yield fake
