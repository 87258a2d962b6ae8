"""A local Strava: the endpoints Runnerly uses, with the payloads of Strava's published API v3.

The one fake allowed in Runnerly's tests (Strava is a third-party internet
API): the real client code talks HTTP to it exactly as to Strava. It serves,
from its root (so both ``STRAVA_STRAVA_API_URL`` and, with ``/oauth``,
``STRAVA_STRAVA_OAUTH_URL`` point at it)::

    GET  /oauth/authorize              redirects at once, as if the signed-in athlete agreed
    POST /oauth/token                  authorization_code and refresh_token grants
    POST /oauth/deauthorize            revokes the athlete's tokens
    GET  /athlete/activities           SummaryActivity pages (page, per_page, before, after)
    GET  /activities/{id}              DetailedActivity, laps included
    GET  /activities/{id}/streams      StreamSet (key_by_type=true) or a list of streams
    POST/GET/DELETE /push_subscriptions  with the GET validation callback Strava performs

API calls need ``Authorization: Bearer <access token>`` (401 with Strava's
error shape otherwise), are counted in a short and a daily window (aligned
on the epoch, lengths configurable) and answered with the usage headers;
above a limit, or when told to, they get 429. Tokens expire
(``token_lifetime``); a refresh issues a new access token only when the old
one expires within the hour, as Strava does, and then rotates the refresh
token too.

Test controls are plain methods on :class:`FakeStrava` (add athletes and
activities, sign an athlete in for the next authorization, expire or revoke
tokens, fail the next calls with 429, push a webhook event). Every request
is recorded in :attr:`FakeStrava.calls`. No pytest here: the end-to-end tests
and ``runnerly up`` users import it too.
"""

from __future__ import annotations

import contextlib
import itertools
import math
import secrets
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import urlencode
from zoneinfo import ZoneInfo

import httpx
from fastapi import FastAPI, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse

from runnerly_kit.testing.servers import serve

#: Strava hands out a new access token only when the current one expires within this.
REFRESH_WINDOW_SECONDS = 3600
SAMPLE_SECONDS = 5
_API_PREFIXES = ("/athlete", "/activities")


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
        return self.path.startswith(_API_PREFIXES)


@dataclass
class Athlete:
    """A Strava athlete."""

    id: int
    firstname: str
    lastname: str


@dataclass
class Activity:
    """A Strava activity, with streams and laps generated consistently from its figures."""

    id: int
    athlete_id: int
    name: str
    sport_type: str
    start_date: datetime
    distance: float
    moving_time: int
    elapsed_time: int
    timezone: str = "Europe/Paris"
    description: str | None = None
    total_elevation_gain: float = 42.0
    has_heartrate: bool = True
    streams: dict[str, list[Any]] = field(default_factory=dict)
    laps: list[dict[str, Any]] = field(default_factory=list)

    @property
    def legacy_type(self) -> str:
        """The deprecated ``type``: TrailRun was a "Run" there."""
        return {"TrailRun": "Run", "MountainBikeRide": "Ride", "GravelRide": "Ride"}.get(
            self.sport_type, self.sport_type
        )

    def summary(self) -> dict[str, Any]:
        """The SummaryActivity of ``/athlete/activities``."""
        zone = ZoneInfo(self.timezone)
        local = self.start_date.astimezone(zone)
        offset = local.utcoffset() or timedelta()
        hours, minutes = divmod(int(offset.total_seconds()) // 60, 60)
        latlng = self.streams.get("latlng") or [[0.0, 0.0]]
        heart = self.streams.get("heartrate") or []
        cadence = self.streams.get("cadence") or []
        return {
            "resource_state": 2,
            "athlete": {"id": self.athlete_id, "resource_state": 1},
            "id": self.id,
            "external_id": f"garmin_push_{self.id}",
            "upload_id": self.id * 10,
            "name": self.name,
            "distance": self.distance,
            "moving_time": self.moving_time,
            "elapsed_time": self.elapsed_time,
            "total_elevation_gain": self.total_elevation_gain,
            "type": self.legacy_type,
            "sport_type": self.sport_type,
            "start_date": _iso(self.start_date),
            "start_date_local": local.replace(tzinfo=None).isoformat() + "Z",
            "timezone": f"(GMT{'+' if hours >= 0 else '-'}{abs(hours):02d}:{minutes:02d}) "
            f"{self.timezone}",
            "utc_offset": offset.total_seconds(),
            "start_latlng": latlng[0],
            "end_latlng": latlng[-1],
            "achievement_count": 0,
            "kudos_count": 3,
            "trainer": self.sport_type == "VirtualRun",
            "commute": False,
            "manual": not self.streams,
            "private": False,
            "flagged": False,
            "gear_id": None,
            "average_speed": round(self.distance / self.moving_time, 3) if self.moving_time else 0,
            "max_speed": round(self.distance / self.moving_time * 1.3, 3)
            if self.moving_time
            else 0,
            "has_heartrate": bool(heart),
            "average_heartrate": round(sum(heart) / len(heart), 1) if heart else None,
            "max_heartrate": float(max(heart)) if heart else None,
            "average_cadence": round(sum(cadence) / len(cadence), 1) if cadence else None,
            "elev_high": max(self.streams.get("altitude") or [0.0]),
            "elev_low": min(self.streams.get("altitude") or [0.0]),
            "map": {
                "id": f"a{self.id}",
                "summary_polyline": encode_polyline(latlng[::10]) if self.streams else "",
                "resource_state": 2,
            },
        }

    def detailed(self) -> dict[str, Any]:
        """The DetailedActivity of ``/activities/{id}``."""
        body = self.summary()
        body["resource_state"] = 3
        body["description"] = self.description
        body["calories"] = round(self.distance / 1000 * 62, 1)
        body["device_name"] = "Garmin Forerunner 965"
        body["map"]["polyline"] = encode_polyline(self.streams.get("latlng") or [])
        body["laps"] = [dict(lap) for lap in self.laps]
        return body


@dataclass
class _Grant:
    athlete_id: int
    access_token: str
    refresh_token: str
    expires_at: int
    scope: str
    revoked: bool = False


@dataclass
class _Code:
    athlete_id: int
    scope: str
    redirect_uri: str


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
        self.rate_limit = rate_limit
        self.read_rate_limit = read_rate_limit
        self.window_seconds = window_seconds
        self.daily_window_seconds = daily_window_seconds
        self.url = ""
        self.athletes: dict[int, Athlete] = {}
        self.activities: dict[int, Activity] = {}
        self.calls: list[RecordedCall] = []
        self.subscriptions: dict[int, dict[str, Any]] = {}
        self._grants: list[_Grant] = []
        self._codes: dict[str, _Code] = {}
        self._signed_in: tuple[int, str, bool] | None = None
        self._fail_next = 0
        self._usage: dict[str, tuple[int, int]] = {}
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
            activity.streams, activity.laps = _generate(activity)
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
        self._signed_in = (athlete_id, scope, deny)

    def expire_access_tokens(self, athlete_id: int) -> None:
        """The athlete's access tokens expire now (the refresh tokens stay valid)."""
        now = int(time.time())
        for grant in self._grants:
            if grant.athlete_id == athlete_id:
                grant.expires_at = min(grant.expires_at, now - 1)

    def revoke(self, athlete_id: int) -> None:
        """The athlete revoked Runnerly in Strava's settings: every token stops working."""
        for grant in self._grants:
            if grant.athlete_id == athlete_id:
                grant.revoked = True

    def fail_next(self, count: int) -> None:
        """Answer the next ``count`` API calls with 429 (usage shown at the limit)."""
        self._fail_next = count

    def has_valid_grant(self, athlete_id: int) -> bool:
        """True while some token of the athlete still works (not revoked)."""
        return any(g.athlete_id == athlete_id and not g.revoked for g in self._grants)

    def issued_tokens(self, athlete_id: int) -> list[str]:
        """Every access and refresh token ever issued for the athlete."""
        return [
            token
            for grant in self._grants
            if grant.athlete_id == athlete_id
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

        app.add_api_route("/oauth/authorize", self._authorize, methods=["GET"])
        app.add_api_route("/oauth/token", self._token, methods=["POST"])
        app.add_api_route("/oauth/deauthorize", self._deauthorize, methods=["POST"])
        app.add_api_route("/athlete/activities", self._list_activities, methods=["GET"])
        app.add_api_route("/activities/{activity_id}", self._get_activity, methods=["GET"])
        app.add_api_route("/activities/{activity_id}/streams", self._get_streams, methods=["GET"])
        app.add_api_route("/push_subscriptions", self._create_subscription, methods=["POST"])
        app.add_api_route("/push_subscriptions", self._list_subscriptions, methods=["GET"])
        app.add_api_route(
            "/push_subscriptions/{subscription_id}", self._delete_subscription, methods=["DELETE"]
        )
        return app

    # --- OAuth
    async def _authorize(self, request: Request) -> Response:
        params = request.query_params
        redirect_uri = params.get("redirect_uri", "")
        if params.get("client_id") != self.client_id or not redirect_uri:
            return _error(400, "Bad Request", "Application", "client_id", "invalid")
        if params.get("response_type") != "code":
            return _error(400, "Bad Request", "Authorize", "response_type", "invalid")
        if self._signed_in is None:
            return _error(401, "Authorization Error", "Athlete", "session", "missing")
        athlete_id, scope, deny = self._signed_in
        state = params.get("state", "")
        if deny:
            query = {"state": state, "error": "access_denied"}
        else:
            code = secrets.token_hex(20)
            self._codes[code] = _Code(athlete_id, scope, redirect_uri)
            query = {"state": state, "code": code, "scope": scope}
        separator = "&" if "?" in redirect_uri else "?"
        return RedirectResponse(f"{redirect_uri}{separator}{urlencode(query)}", status_code=302)

    async def _token(self, request: Request) -> Response:
        form = await _form(request)
        if form.get("client_id") != self.client_id or not secrets.compare_digest(
            form.get("client_secret", ""), self.client_secret
        ):
            return _error(401, "Authorization Error", "Application", "client_id", "invalid")
        grant_type = form.get("grant_type")
        if grant_type == "authorization_code":
            code = self._codes.pop(form.get("code", ""), None)
            if code is None:
                return _error(400, "Bad Request", "AuthorizationCode", "code", "invalid")
            grant = self._issue(code.athlete_id, code.scope)
            athlete = self.athletes[code.athlete_id]
            return JSONResponse(
                {
                    **self._token_body(grant),
                    "athlete": {
                        "id": athlete.id,
                        "username": f"{athlete.firstname.lower()}_{athlete.id}",
                        "resource_state": 2,
                        "firstname": athlete.firstname,
                        "lastname": athlete.lastname,
                        "city": "Paris",
                        "country": "France",
                        "sex": "F",
                        "premium": False,
                        "summit": False,
                        "created_at": "2017-11-14T02:30:05Z",
                        "updated_at": "2018-02-06T19:32:20Z",
                    },
                }
            )
        if grant_type == "refresh_token":
            current = next(
                (
                    g
                    for g in self._grants
                    if g.refresh_token == form.get("refresh_token") and not g.revoked
                ),
                None,
            )
            if current is None:
                return _error(400, "Bad Request", "RefreshToken", "refresh_token", "invalid")
            if current.expires_at - time.time() <= REFRESH_WINDOW_SECONDS:
                current.revoked = True
                current = self._issue(current.athlete_id, current.scope)
            return JSONResponse(self._token_body(current))
        return _error(400, "Bad Request", "Token", "grant_type", "invalid")

    def _issue(self, athlete_id: int, scope: str) -> _Grant:
        grant = _Grant(
            athlete_id=athlete_id,
            access_token=secrets.token_hex(20),
            refresh_token=secrets.token_hex(20),
            expires_at=int(time.time()) + self.token_lifetime,
            scope=scope,
        )
        self._grants.append(grant)
        return grant

    @staticmethod
    def _token_body(grant: _Grant) -> dict[str, Any]:
        return {
            "token_type": "Bearer",
            "expires_at": grant.expires_at,
            "expires_in": max(0, grant.expires_at - int(time.time())),
            "refresh_token": grant.refresh_token,
            "access_token": grant.access_token,
        }

    async def _deauthorize(self, request: Request) -> Response:
        form = await _form(request)
        token = form.get("access_token") or request.query_params.get("access_token") or ""
        if not token:
            token = _bearer(request)
        grant = self._grant_for(token)
        if grant is None:
            return _error(401, "Authorization Error", "Athlete", "access_token", "invalid")
        self.revoke(grant.athlete_id)
        return JSONResponse({"access_token": token})

    def _grant_for(self, token: str) -> _Grant | None:
        return next(
            (
                g
                for g in self._grants
                if token
                and g.access_token == token
                and not g.revoked
                and g.expires_at > time.time()
            ),
            None,
        )

    # --- the API, rate-limited
    def _count(self) -> tuple[dict[str, str], bool]:
        now = time.time()
        short = math.floor(now / self.window_seconds)
        daily = math.floor(now / self.daily_window_seconds)
        headers: dict[str, str] = {}
        over = False
        for kind, limits in (("", self.rate_limit), ("Read", self.read_rate_limit)):
            if limits is None:
                continue
            used_short, used_daily = self._usage.get(kind, (0, 0))
            window = self._usage.get(f"{kind}window", (short, daily))
            if window[0] != short:
                used_short = 0
            if window[1] != daily:
                used_daily = 0
            used_short, used_daily = used_short + 1, used_daily + 1
            self._usage[kind] = (used_short, used_daily)
            self._usage[f"{kind}window"] = (short, daily)
            over = over or used_short > limits[0] or used_daily > limits[1]
            headers[f"X-{kind}RateLimit-Limit"] = f"{limits[0]},{limits[1]}"
            headers[f"X-{kind}RateLimit-Usage"] = f"{used_short},{used_daily}"
        return headers, over

    def _api(self, request: Request) -> tuple[int | None, dict[str, str], Response | None]:
        """Count the call; the caller's athlete, the usage headers, or the error to answer."""
        headers, over = self._count()
        if self._fail_next > 0:
            self._fail_next -= 1
            # As Strava reports a spent window: the short usage at (or past) its limit.
            short = self.rate_limit[0]
            used_daily = int(headers["X-RateLimit-Usage"].split(",")[1])
            headers["X-RateLimit-Usage"] = f"{short},{used_daily}"
            over = True
        if over:
            return None, headers, _rate_limited(headers)
        grant = self._grant_for(_bearer(request))
        if grant is None:
            response = _error(401, "Authorization Error", "Athlete", "access_token", "invalid")
            response.headers.update(headers)
            return None, headers, response
        return grant.athlete_id, headers, None

    async def _list_activities(self, request: Request) -> Response:
        athlete_id, headers, refusal = self._api(request)
        if refusal is not None:
            return refusal
        params = request.query_params
        try:
            page = max(1, int(params.get("page", "1")))
            per_page = min(200, max(1, int(params.get("per_page", "30"))))
            before = int(params["before"]) if "before" in params else None
            after = int(params["after"]) if "after" in params else None
        except ValueError:
            return _error(400, "Bad Request", "Activities", "page", "invalid", headers)
        found = [
            a
            for a in self.activities.values()
            if a.athlete_id == athlete_id
            and (before is None or a.start_date.timestamp() < before)
            and (after is None or a.start_date.timestamp() > after)
        ]
        # Newest first, except with ``after`` alone: then oldest first (as Strava pages).
        found.sort(key=lambda a: a.start_date, reverse=after is None or before is not None)
        chunk = found[(page - 1) * per_page : page * per_page]
        return JSONResponse([a.summary() for a in chunk], headers=headers)

    def _visible(self, activity_id: str, athlete_id: int | None) -> Activity | None:
        try:
            activity = self.activities.get(int(activity_id))
        except ValueError:
            return None
        return activity if activity is not None and activity.athlete_id == athlete_id else None

    async def _get_activity(self, activity_id: str, request: Request) -> Response:
        athlete_id, headers, refusal = self._api(request)
        if refusal is not None:
            return refusal
        activity = self._visible(activity_id, athlete_id)
        if activity is None:
            return _error(404, "Record Not Found", "Activity", "id", "not found", headers)
        return JSONResponse(activity.detailed(), headers=headers)

    async def _get_streams(self, activity_id: str, request: Request) -> Response:
        athlete_id, headers, refusal = self._api(request)
        if refusal is not None:
            return refusal
        activity = self._visible(activity_id, athlete_id)
        if activity is None:
            return _error(404, "Record Not Found", "Activity", "id", "not found", headers)
        keys = [k for k in request.query_params.get("keys", "").split(",") if k]
        # Strava always sends the distance stream along with those asked for.
        wanted = [k for k in dict.fromkeys([*keys, "distance"]) if k in activity.streams]
        streams = {
            key: {
                "data": activity.streams[key],
                "series_type": "distance",
                "original_size": len(activity.streams[key]),
                "resolution": "high",
            }
            for key in wanted
        }
        if request.query_params.get("key_by_type", "").lower() == "true":
            return JSONResponse(streams, headers=headers)
        return JSONResponse([{"type": k, **v} for k, v in streams.items()], headers=headers)

    # --- push subscriptions
    def _app_credentials_ok(self, values: dict[str, str]) -> bool:
        return values.get("client_id") == self.client_id and secrets.compare_digest(
            values.get("client_secret", ""), self.client_secret
        )

    async def _create_subscription(self, request: Request) -> Response:
        form = await _form(request)
        if not self._app_credentials_ok(form):
            return _error(401, "Authorization Error", "Application", "client_id", "invalid")
        if self.subscriptions:
            return _error(400, "Bad Request", "PushSubscription", "", "already exists")
        callback = form.get("callback_url", "")
        challenge = secrets.token_urlsafe(12)
        query = {
            "hub.mode": "subscribe",
            "hub.challenge": challenge,
            "hub.verify_token": form.get("verify_token", ""),
        }
        try:
            async with httpx.AsyncClient(timeout=2.0) as http:
                answer = await http.get(callback, params=query)
            echoed = answer.json().get("hub.challenge") if answer.status_code == 200 else None
        except (httpx.HTTPError, ValueError, AttributeError):
            echoed = None
        if echoed != challenge:
            return _error(
                400,
                "Bad Request",
                "PushSubscription",
                "callback url",
                "GET to callback URL does not return 200",
            )
        subscription_id = next(self._subscription_ids)
        now = _iso(datetime.now(UTC))
        self.subscriptions[subscription_id] = {
            "id": subscription_id,
            "resource_state": 2,
            "application_id": int(self.client_id) if self.client_id.isdigit() else 0,
            "callback_url": callback,
            "created_at": now,
            "updated_at": now,
        }
        return JSONResponse({"id": subscription_id}, status_code=201)

    async def _list_subscriptions(self, request: Request) -> Response:
        if not self._app_credentials_ok(dict(request.query_params)):
            return _error(401, "Authorization Error", "Application", "client_id", "invalid")
        return JSONResponse(list(self.subscriptions.values()))

    async def _delete_subscription(self, subscription_id: str, request: Request) -> Response:
        if not self._app_credentials_ok(dict(request.query_params)):
            return _error(401, "Authorization Error", "Application", "client_id", "invalid")
        if not subscription_id.isdigit() or int(subscription_id) not in self.subscriptions:
            return _error(404, "Record Not Found", "PushSubscription", "id", "not found")
        del self.subscriptions[int(subscription_id)]
        return Response(status_code=204)


@contextlib.asynccontextmanager
async def running_fake_strava(**options: Any) -> AsyncIterator[FakeStrava]:
    """Serve a :class:`FakeStrava` on a free loopback port (``fake.url`` is its base URL)."""
    fake = FakeStrava(**options)
    async with serve(fake.app) as url:
        fake.url = url
        yield fake


# ---------------------------------------------------------------- helpers
def _error(
    status: int,
    message: str,
    resource: str,
    field_name: str,
    code: str,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """Strava's error body: ``{"message", "errors": [{"resource", "field", "code"}]}``."""
    body = {
        "message": message,
        "errors": [{"resource": resource, "field": field_name, "code": code}],
    }
    return JSONResponse(body, status_code=status, headers=headers)


def _rate_limited(headers: dict[str, str]) -> JSONResponse:
    return _error(429, "Rate Limit Exceeded", "Application", "rate limit", "exceeded", headers)


async def _form(request: Request) -> dict[str, str]:
    form = {k: str(v) for k, v in (await request.form()).items()}
    request.state.form = form
    return form


def _bearer(request: Request) -> str:
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def _generate(activity: Activity) -> tuple[dict[str, list[Any]], list[dict[str, Any]]]:
    """Streams every few seconds along a straight line out of Paris, and a lap per kilometre."""
    points = max(2, activity.moving_time // SAMPLE_SECONDS + 1)
    speed = activity.distance / activity.moving_time
    lat0, lng0 = 48.8566, 2.3522
    metres_per_degree_lng = 111_320.0 * math.cos(math.radians(lat0))
    times = [min(i * SAMPLE_SECONDS, activity.moving_time) for i in range(points)]
    distance = [round(t * speed, 1) for t in times]
    latlng = [
        [lat0 + (d % 500) / 111_320.0 / 10, round(lng0 + d / metres_per_degree_lng, 6)]
        for d in distance
    ]
    latlng = [[round(lat, 6), lng] for lat, lng in latlng]
    altitude = [round(35.0 + 6.0 * math.sin(d / 800.0), 1) for d in distance]
    heartrate = [int(140 + 12 * math.sin(t / 300.0) + min(t, 600) / 60) for t in times]
    cadence = [86 + (i % 3) for i in range(points)]
    streams: dict[str, list[Any]] = {
        "time": times,
        "distance": distance,
        "latlng": latlng,
        "altitude": altitude,
        "cadence": cadence,
    }
    if activity.has_heartrate:
        streams["heartrate"] = heartrate
    laps: list[dict[str, Any]] = []
    start_index = 0
    lap_number = 1
    while start_index < points - 1:
        target = lap_number * 1000.0
        end_index = next(
            (i for i in range(start_index, points) if distance[i] >= target), points - 1
        )
        lap_hr = heartrate[start_index : end_index + 1]
        elapsed = times[end_index] - times[start_index]
        laps.append(
            {
                "id": activity.id * 100 + lap_number,
                "resource_state": 2,
                "name": f"Lap {lap_number}",
                "activity": {"id": activity.id, "resource_state": 1},
                "athlete": {"id": activity.athlete_id, "resource_state": 1},
                "elapsed_time": elapsed,
                "moving_time": elapsed,
                "start_date": _iso(activity.start_date + timedelta(seconds=times[start_index])),
                "start_date_local": _iso(
                    activity.start_date + timedelta(seconds=times[start_index])
                ),
                "distance": round(distance[end_index] - distance[start_index], 1),
                "start_index": start_index,
                "end_index": end_index,
                "total_elevation_gain": 4.2,
                "average_speed": round(speed, 3),
                "max_speed": round(speed * 1.2, 3),
                "average_cadence": 87.0,
                "average_heartrate": round(sum(lap_hr) / len(lap_hr), 1) if lap_hr else None,
                "max_heartrate": float(max(lap_hr)) if lap_hr else None,
                "lap_index": lap_number,
                "split": lap_number,
                "pace_zone": 2,
            }
        )
        start_index = end_index
        lap_number += 1
    return streams, laps


def encode_polyline(points: list[list[float]]) -> str:
    """Google's encoded polyline format (precision 5), as Strava's ``map.summary_polyline``."""
    result: list[str] = []
    previous = (0, 0)
    for lat, lng in points:
        current = (round(lat * 1e5), round(lng * 1e5))
        for delta in (current[0] - previous[0], current[1] - previous[1]):
            value = ~(delta << 1) if delta < 0 else delta << 1
            while value >= 0x20:
                result.append(chr((0x20 | (value & 0x1F)) + 63))
                value >>= 5
            result.append(chr(value + 63))
        previous = current
    return "".join(result)
