"""Calls to Strava's API v3, through a kit :class:`~runnerly_kit.http.ServiceClient`.

That client is this service's own, built with no retries and no service
token: Strava's calls carry the athlete's bearer token, and repeating a call
on a 429 would spend the very budget that is exhausted. Failed calls are
retried by the job queue, which knows Strava's windows
(:mod:`runnerly_strava.sync`).

API calls made by the sync (``paced=True``) go through the
:class:`RateLimiter`; OAuth calls and the runner-facing ones (the token
exchange of the callback, a disconnect) are not held back, but their usage
headers are read all the same.

Shapes follow Strava's published reference: the token response
(``token_type``, ``access_token``, ``refresh_token``, ``expires_at``,
``expires_in``, ``athlete`` on an exchange), ``SummaryActivity`` lists,
``DetailedActivity``, ``StreamSet`` with ``key_by_type=true``, and the push
subscription's form parameters.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import httpx
from pydantic import BaseModel

from runnerly_kit.errors import ServiceUnavailable
from runnerly_kit.http import ServiceClient
from runnerly_strava.strava.errors import (
    StravaError,
    StravaNotFound,
    StravaRateLimited,
    StravaRefused,
    StravaUnauthorized,
)
from runnerly_strava.strava.ratelimit import RateLimiter

STREAM_KEYS = ("time", "distance", "latlng", "altitude", "heartrate", "cadence")


class StravaAthlete(BaseModel):
    """The part of Strava's athlete summary we keep."""

    id: int


class TokenResponse(BaseModel):
    """Strava's answer to a code exchange or a refresh."""

    access_token: str
    refresh_token: str
    expires_at: int
    athlete: StravaAthlete | None = None

    @property
    def expires(self) -> datetime:
        """``expires_at`` as an aware datetime."""
        return datetime.fromtimestamp(self.expires_at, UTC)


class StravaClient:
    """Strava's OAuth and API endpoints, for one Strava application."""

    def __init__(
        self,
        http: ServiceClient,
        limiter: RateLimiter,
        *,
        api_url: str,
        oauth_url: str,
        client_id: str,
        client_secret: str,
    ) -> None:
        self._http = http
        self.limiter = limiter
        self._api = api_url.rstrip("/")
        self._oauth = oauth_url.rstrip("/")
        self._client_id = client_id
        self._client_secret = client_secret

    # ------------------------------------------------------------------ OAuth
    async def exchange_code(self, code: str) -> TokenResponse:
        """``POST /oauth/token`` with ``grant_type=authorization_code``."""
        return await self._token({"grant_type": "authorization_code", "code": code})

    async def refresh(self, refresh_token: str) -> TokenResponse:
        """``POST /oauth/token`` with ``grant_type=refresh_token`` (the pair may rotate)."""
        return await self._token({"grant_type": "refresh_token", "refresh_token": refresh_token})

    async def deauthorize(self, access_token: str) -> None:
        """``POST /oauth/deauthorize``: revoke our access for the athlete of this token."""
        response = await self._send(
            "POST",
            f"{self._oauth}/deauthorize",
            # Both forms Strava's documentation and clients use: the parameter and the bearer.
            access_token=access_token,
            paced=False,
            data={"access_token": access_token},
        )
        if response.status_code == 401:
            raise StravaUnauthorized("Strava refused the access token")
        _raise_for(response)

    async def _token(self, form: dict[str, str]) -> TokenResponse:
        body = {"client_id": self._client_id, "client_secret": self._client_secret, **form}
        response = await self._send(
            "POST", f"{self._oauth}/token", access_token=None, paced=False, data=body
        )
        if response.status_code in (400, 401):
            raise StravaRefused(f"Strava refused the grant ({response.status_code})")
        _raise_for(response)
        return TokenResponse.model_validate(response.json())

    # -------------------------------------------------------------------- API
    async def list_activities(
        self, access_token: str, *, page: int, per_page: int, after: int | None = None
    ) -> list[dict[str, Any]]:
        """``GET /athlete/activities``: one page of the athlete's SummaryActivity list."""
        params: dict[str, int] = {"page": page, "per_page": per_page}
        if after is not None:
            params["after"] = after
        data = await self._get_json("/athlete/activities", access_token, params=params)
        if not isinstance(data, list):
            raise StravaError("Strava's activity list is not a list")
        return data

    async def get_activity(self, access_token: str, activity_id: int) -> dict[str, Any]:
        """``GET /activities/{id}``: the DetailedActivity (laps included)."""
        data = await self._get_json(f"/activities/{activity_id}", access_token)
        if not isinstance(data, dict):
            raise StravaError("Strava's activity is not an object")
        return data

    async def get_streams(self, access_token: str, activity_id: int) -> dict[str, Any]:
        """``GET /activities/{id}/streams`` keyed by type (``{"time": {"data": [...]}, ...}``)."""
        params = {"keys": ",".join(STREAM_KEYS), "key_by_type": "true"}
        data = await self._get_json(f"/activities/{activity_id}/streams", access_token, params)
        if isinstance(data, list):  # some answers come as a list of streams anyway
            data = {
                item["type"]: item for item in data if isinstance(item, dict) and "type" in item
            }
        if not isinstance(data, dict):
            raise StravaError("Strava's streams are not an object")
        return data

    # ------------------------------------------------------ push subscription
    async def create_subscription(self, callback_url: str, verify_token: str) -> int:
        """``POST /push_subscriptions``; Strava validates the callback before answering."""
        form = {
            "client_id": self._client_id,
            "client_secret": self._client_secret,
            "callback_url": callback_url,
            "verify_token": verify_token,
        }
        response = await self._send(
            "POST", f"{self._api}/push_subscriptions", access_token=None, paced=False, data=form
        )
        if response.status_code == 400:
            raise StravaRefused(f"Strava refused the subscription: {response.text[:500]}")
        _raise_for(response)
        return int(response.json()["id"])

    async def list_subscriptions(self) -> list[dict[str, Any]]:
        """``GET /push_subscriptions``: our application's subscriptions (at most one)."""
        params = {"client_id": self._client_id, "client_secret": self._client_secret}
        response = await self._send(
            "GET", f"{self._api}/push_subscriptions", access_token=None, paced=False, params=params
        )
        _raise_for(response)
        data = response.json()
        return data if isinstance(data, list) else []

    # ---------------------------------------------------------------- plumbing
    async def _get_json(
        self, path: str, access_token: str, params: dict[str, Any] | None = None
    ) -> Any:
        response = await self._send(
            "GET", f"{self._api}{path}", access_token=access_token, paced=True, params=params
        )
        if response.status_code == 401:
            raise StravaUnauthorized("Strava refused the access token")
        _raise_for(response)
        return response.json()

    async def _send(
        self, method: str, url: str, *, access_token: str | None, paced: bool, **kwargs: Any
    ) -> httpx.Response:
        if paced and (resume := self.limiter.take()) is not None:
            raise StravaRateLimited(datetime.fromtimestamp(resume, UTC), called=False)
        headers = {"Authorization": f"Bearer {access_token}"} if access_token else {}
        try:
            response = await self._http.request(
                method, url, authenticate=False, headers=headers, **kwargs
            )
        except ServiceUnavailable as exc:  # unreachable, or its breaker is open
            raise StravaError(f"Strava is unavailable: {exc.message}") from exc
        if response.status_code == 429:
            resume = self.limiter.exhausted(response)
            raise StravaRateLimited(datetime.fromtimestamp(resume, UTC), called=True)
        self.limiter.observe(response)
        return response


def _raise_for(response: httpx.Response) -> None:
    if response.status_code == 404:
        raise StravaNotFound("Strava has no such resource")
    if response.status_code >= 400:
        raise StravaError(f"Strava answered {response.status_code}")
