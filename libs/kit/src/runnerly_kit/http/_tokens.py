"""This service's own access token: the client-credentials grant (RFC 6749 §4.4)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import quote

import httpx
from tenacity import (
    AsyncRetrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_random_exponential,
)

from runnerly_kit.errors import ServiceUnavailable, UpstreamError
from runnerly_kit.logs import get_logger
from runnerly_kit.settings import ServiceSettings

_log = get_logger("runnerly.http")


class ServiceTokenProvider:
    """Gets and caches this service's access token, refreshing it shortly before it expires.

    Concurrent callers share one fetch. The client authenticates with
    ``client_secret_basic`` (RFC 6749 §2.3.1: id and secret form-encoded, then
    HTTP Basic).
    """

    def __init__(
        self,
        token_url: str,
        *,
        client_id: str,
        client_secret: str,
        scopes: Sequence[str] = (),
        timeout: float = 5.0,
        attempts: int = 3,
        refresh_margin_seconds: float = 30.0,
        transport: httpx.AsyncBaseTransport | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.token_url = token_url
        self.client_id = client_id
        self.scopes = tuple(scopes)
        # RFC 6749 §2.3.1: both parts are application/x-www-form-urlencoded first.
        self._auth = httpx.BasicAuth(quote(client_id, safe=""), quote(client_secret, safe=""))
        self._timeout = timeout
        self._attempts = max(1, attempts)
        self._margin = refresh_margin_seconds
        self._transport = transport
        self._clock = clock
        self._client: httpx.AsyncClient | None = None
        self._token: str | None = None
        self._refresh_at = 0.0
        self._lock = asyncio.Lock()
        #: How many tokens were fetched (for metrics and tests).
        self.fetches = 0

    @classmethod
    def from_settings(
        cls, settings: ServiceSettings, *, scopes: Sequence[str]
    ) -> ServiceTokenProvider | None:
        """The provider for a service's settings, or ``None`` when it has no client secret."""
        secret = settings.client_secret.get_secret_value()
        if not secret:
            return None
        return cls(
            f"{settings.tokendealer_url.rstrip('/')}/oauth/token",
            client_id=settings.client_id,
            client_secret=secret,
            scopes=scopes,
            timeout=settings.http_timeout_seconds,
        )

    async def token(self) -> str:
        """A valid access token, fetched only when the cached one is missing or about to expire."""
        token = self._token
        if token is not None and self._clock() < self._refresh_at:
            return token
        async with self._lock:
            # Another caller may have fetched while this one waited for the lock.
            if self._token is not None and self._clock() < self._refresh_at:
                return self._token
            return await self._fetch()

    def invalidate(self, token: str | None = None) -> None:
        """Forget the cached token (e.g. after a 401 from a peer).

        With ``token``, only if it is still the cached one, so that a caller
        holding an old token does not throw away a fresh one.
        """
        if token is None or token == self._token:
            self._token = None

    async def aclose(self) -> None:
        """Close the provider's HTTP connections."""
        if self._client is not None:
            await self._client.aclose()
            self._client = None

    async def _fetch(self) -> str:
        data = {"grant_type": "client_credentials"}
        if self.scopes:
            data["scope"] = " ".join(self.scopes)
        retrying = AsyncRetrying(
            stop=stop_after_attempt(self._attempts),
            wait=wait_random_exponential(multiplier=0.1, max=1.0),
            retry=retry_if_exception_type(httpx.TransportError),
            reraise=True,
        )
        try:
            response: httpx.Response = await retrying(
                self._http().post, self.token_url, data=data, auth=self._auth
            )
        except httpx.TransportError as exc:
            raise ServiceUnavailable(
                "The token service could not be reached.", code="token_service_unavailable"
            ) from exc
        body = _token_response(response)
        token: str = body["access_token"]
        lifetime = float(body.get("expires_in", 300))
        # Refresh a little early, but never so early that a short-lived token is refetched at once.
        self._refresh_at = self._clock() + lifetime - min(self._margin, lifetime / 10)
        self._token = token
        self.fetches += 1
        _log.info("service_token_fetched", client_id=self.client_id, expires_in=lifetime)
        return token

    def _http(self) -> httpx.AsyncClient:
        # Created on first use, not at construction: no I/O resources before the lifespan.
        if self._client is None:
            self._client = httpx.AsyncClient(
                timeout=httpx.Timeout(self._timeout), transport=self._transport
            )
        return self._client


def _token_response(response: httpx.Response) -> dict[str, Any]:
    if response.status_code >= 500:
        raise ServiceUnavailable(
            "The token service is unavailable.",
            code="token_service_unavailable",
            details={"status": response.status_code},
        )
    if response.status_code != 200:
        # The body may explain (invalid_client...) but never carries a secret of ours.
        raise UpstreamError(
            "The token service refused this service's credentials.",
            code="service_token_refused",
            details={"status": response.status_code},
        )
    try:
        body = response.json()
    except ValueError as exc:
        raise UpstreamError("The token service sent an unreadable answer.") from exc
    if (
        not isinstance(body, dict)
        or not isinstance(body.get("access_token"), str)
        or str(body.get("token_type", "")).lower() != "bearer"
        or not isinstance(body.get("expires_in", 0), int | float)
    ):
        raise UpstreamError("The token service sent an unexpected answer.")
    return body
