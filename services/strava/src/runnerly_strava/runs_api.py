"""The runs service's internal Strava import API, called with our service token (``runs:import``).

::

    PUT    /v1/internal/runners/{runner}/strava-activities/{id}   upsert (idempotent on the id)
    DELETE /v1/internal/runners/{runner}/strava-activities/{id}   forget one (204 if unknown)
    DELETE /v1/internal/runners/{runner}/strava-activities        forget all of a runner's

Every call is idempotent, so the kit's client retries them on transport
errors and 5xx; what still fails is retried later by the job queue.
"""

from __future__ import annotations

from typing import Any

import httpx

from runnerly_kit.errors import ServiceUnavailable
from runnerly_kit.http import ServiceClient


class RunsUnavailable(Exception):
    """runs could not take the call now (down, 5xx, or refused our token): try again later."""


class RunsRejected(Exception):
    """runs refused the activity itself (a 4xx about the input): trying again will not help."""


class RunsClient:
    """The calls the sync makes to runs."""

    def __init__(self, http: ServiceClient, base_url: str) -> None:
        self._http = http
        self._base = base_url.rstrip("/")

    def _url(self, runner_id: str, activity_id: int | None = None) -> str:
        url = f"{self._base}/v1/internal/runners/{runner_id}/strava-activities"
        return url if activity_id is None else f"{url}/{activity_id}"

    async def upsert(self, runner_id: str, activity_id: int, body: dict[str, Any]) -> str:
        """Store the activity as a run; runs' answer (``created``, ``updated`` or ``merged``)."""
        response = await self._call("PUT", self._url(runner_id, activity_id), json=body)
        return str(response.json().get("status", ""))

    async def remove(self, runner_id: str, activity_id: int) -> None:
        """Forget one Strava activity (a no-op when runs never had it)."""
        await self._call("DELETE", self._url(runner_id, activity_id))

    async def forget_runner(self, runner_id: str) -> None:
        """Forget every Strava activity of the runner (Strava's API agreement)."""
        await self._call("DELETE", self._url(runner_id))

    async def _call(self, method: str, url: str, **kwargs: Any) -> httpx.Response:
        try:
            response = await self._http.request(method, url, authenticate=True, **kwargs)
        except ServiceUnavailable as exc:
            raise RunsUnavailable(exc.message) from exc
        status = response.status_code
        if status < 300:
            return response
        if status >= 500 or status in (401, 403, 408, 409, 429):
            raise RunsUnavailable(f"runs answered {status}")
        raise RunsRejected(f"runs refused the call ({status}): {response.text[:500]}")
