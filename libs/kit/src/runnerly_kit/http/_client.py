"""The one outgoing HTTP client of a service: timeouts, retries, a breaker per peer, propagation."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

import httpx
from tenacity import AsyncRetrying, RetryCallState, stop_after_attempt

from runnerly_kit import tracing
from runnerly_kit.context import REQUEST_ID_HEADER, current_request_id
from runnerly_kit.errors import ServiceUnavailable
from runnerly_kit.http._breaker import CircuitBreaker
from runnerly_kit.http._retries import RetryPolicy, last_outcome, may_repeat
from runnerly_kit.http._tokens import ServiceTokenProvider
from runnerly_kit.logs import get_logger

_log = get_logger("runnerly.http")
_DEFAULT_PORTS = {"http": 80, "https": 443}


class ServiceClient:
    """Calls other Runnerly services (and third-party APIs) the same careful way every time.

    - one shared :class:`httpx.AsyncClient` with explicit connect/read/write/pool timeouts;
    - jittered exponential retries for idempotent methods (and POST/PATCH that
      carry an ``Idempotency-Key``) on connection errors, timeouts, 429 and
      502/503/504, honouring ``Retry-After`` up to a cap;
    - a circuit breaker per peer (scheme, host, port) that fails fast with
      :class:`~runnerly_kit.http.CircuitOpen` while the peer is down;
    - ``X-Request-ID``, W3C trace context and, when ``authenticate`` is true and
      a token provider exists, ``Authorization: Bearer <service token>`` on
      every request; a 401 gets one retry with a fresh token only when the
      peer says the token was bad (``WWW-Authenticate: Bearer
      error="invalid_token"``) — any other 401 is the peer's answer, passed on.

    Error statuses other than those retried are returned, not raised; a peer
    that cannot be reached raises :class:`~runnerly_kit.errors.ServiceUnavailable`.
    Errors name a peer by its name in ``peer_names`` (keyed by origin,
    ``http://host:port``), never by its address: they may reach a caller's
    response body, and internal addresses belong in logs only.
    Request bodies must be replayable (bytes, ``json=``, ``data=``), not streams.
    """

    def __init__(
        self,
        *,
        timeout: float,
        retries: int,
        token_provider: ServiceTokenProvider | None,
        transport: httpx.AsyncBaseTransport | None = None,
        breaker_failure_threshold: int = 5,
        breaker_reset_seconds: float = 30.0,
        connect_timeout: float | None = None,
        backoff_initial_seconds: float = 0.1,
        backoff_max_seconds: float = 2.0,
        retry_after_cap_seconds: float = 5.0,
        max_connections: int = 100,
        peer_names: Mapping[str, str] | None = None,
        # The circuit breakers' clock (tests move one by hand).
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        timeouts = httpx.Timeout(
            connect=connect_timeout if connect_timeout is not None else timeout,
            read=timeout,
            write=timeout,
            pool=timeout,
        )
        limits = httpx.Limits(
            max_connections=max_connections,
            max_keepalive_connections=max_connections // 5 or 1,
            keepalive_expiry=5.0,
        )
        # Creating the client opens nothing; connections are made on the first request.
        self._client = httpx.AsyncClient(timeout=timeouts, limits=limits, transport=transport)
        self._retries = max(0, retries)
        self._token_provider = token_provider
        self._breaker_threshold = breaker_failure_threshold
        self._breaker_reset = breaker_reset_seconds
        self._clock = clock
        self._breakers: dict[str, CircuitBreaker] = {}
        self._peer_names: dict[str, str] = {}
        for url, name in (peer_names or {}).items():
            self._peer_names.setdefault(_origin(httpx.URL(url)), name)
        self._policy = RetryPolicy(
            backoff_initial=backoff_initial_seconds,
            backoff_max=backoff_max_seconds,
            retry_after_cap=retry_after_cap_seconds,
        )

    @property
    def raw(self) -> httpx.AsyncClient:
        """The underlying shared client, without retries, breaker or service token."""
        return self._client

    def breaker(self, url: str | httpx.URL) -> CircuitBreaker:
        """The circuit breaker guarding the peer that serves ``url``."""
        target = httpx.URL(url)
        if not target.host:
            # A relative URL is a bug at the call site, not a peer being down.
            raise ValueError(f"an absolute URL is needed, not {str(url)!r}")
        peer = _origin(target)
        breaker = self._breakers.get(peer)
        if breaker is None:
            breaker = CircuitBreaker(
                peer,
                name=self._peer_names.get(peer, ""),
                failure_threshold=self._breaker_threshold,
                reset_seconds=self._breaker_reset,
                clock=self._clock,
            )
            self._breakers[peer] = breaker
        return breaker

    async def request(
        self, method: str, url: str, *, authenticate: bool = True, **kwargs: Any
    ) -> httpx.Response:
        """Send one request, retried where that is safe.

        ``kwargs`` are those of :meth:`httpx.AsyncClient.request`. A caller that
        sets ``Authorization`` itself (e.g. passing on a runner's token) keeps
        it; the service token is not added.
        """
        headers = httpx.Headers(kwargs.pop("headers", None))
        call = _Call(method.upper(), url, headers, self.breaker(url), kwargs)
        attempts = 1 + self._retries if may_repeat(call.method, headers) else 1
        retrying = AsyncRetrying(
            stop=stop_after_attempt(attempts),
            retry=self._policy.should_retry,
            wait=self._policy.wait,
            before_sleep=_log_retry,
            retry_error_callback=last_outcome,
        )
        use_token = authenticate and "Authorization" not in headers
        try:
            return await retrying(self._send, call, use_token)
        except httpx.TransportError as exc:
            breaker = call.breaker
            _log.warning("peer_unreachable", peer=breaker.peer, reason=type(exc).__name__)
            name = breaker.name
            raise ServiceUnavailable(
                f"{name[:1].upper()}{name[1:]} could not be reached.",
                code="peer_unavailable",
                details={"peer": name, "reason": type(exc).__name__},
            ) from exc

    async def get(self, url: str, *, authenticate: bool = True, **kwargs: Any) -> httpx.Response:
        """``GET url`` (retried)."""
        return await self.request("GET", url, authenticate=authenticate, **kwargs)

    async def post(self, url: str, *, authenticate: bool = True, **kwargs: Any) -> httpx.Response:
        """``POST url`` (retried only with an ``Idempotency-Key`` header)."""
        return await self.request("POST", url, authenticate=authenticate, **kwargs)

    async def put(self, url: str, *, authenticate: bool = True, **kwargs: Any) -> httpx.Response:
        """``PUT url`` (retried)."""
        return await self.request("PUT", url, authenticate=authenticate, **kwargs)

    async def patch(self, url: str, *, authenticate: bool = True, **kwargs: Any) -> httpx.Response:
        """``PATCH url`` (retried only with an ``Idempotency-Key`` header)."""
        return await self.request("PATCH", url, authenticate=authenticate, **kwargs)

    async def delete(self, url: str, *, authenticate: bool = True, **kwargs: Any) -> httpx.Response:
        """``DELETE url`` (retried)."""
        return await self.request("DELETE", url, authenticate=authenticate, **kwargs)

    async def aclose(self) -> None:
        """Close every connection (the lifespan does this on shutdown)."""
        await self._client.aclose()
        if self._token_provider is not None:
            await self._token_provider.aclose()

    async def _send(self, call: _Call, use_token: bool) -> httpx.Response:
        provider = self._token_provider if use_token else None
        token = await provider.token() if provider is not None else None
        response = await self._send_once(call, token)
        if provider is not None and token is not None and _token_refused(response):
            # The peer may have seen our token expire early or its keys rotate: one fresh try.
            # Any other 401 is the peer's own answer; repeating it would redo the work.
            provider.invalidate(token)
            response = await self._send_once(call, await provider.token())
        return response

    async def _send_once(self, call: _Call, token: str | None) -> httpx.Response:
        breaker = call.breaker
        breaker.before_call()
        headers = call.headers.copy()
        request_id = current_request_id()
        if request_id and REQUEST_ID_HEADER not in headers:
            headers[REQUEST_ID_HEADER] = request_id
        tracing.inject(headers)
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        try:
            response = await self._client.request(
                call.method, call.url, headers=headers, **call.kwargs
            )
        except httpx.TransportError:
            breaker.record_failure()
            raise
        except BaseException:
            breaker.release()  # cancelled, or a bad argument: says nothing about the peer
            raise
        if response.status_code >= 500:
            breaker.record_failure()
        else:
            breaker.record_success()
        return response


def _origin(url: httpx.URL) -> str:
    port = url.port or _DEFAULT_PORTS.get(url.scheme, 0)
    return f"{url.scheme}://{url.host}:{port}"


def _token_refused(response: httpx.Response) -> bool:
    """A 401 whose challenge says our bearer token was bad (RFC 6750 §3.1 ``invalid_token``)."""
    if response.status_code != 401:
        return False
    challenge = response.headers.get("WWW-Authenticate", "")
    scheme, _, params = challenge.partition(" ")
    return scheme.lower() == "bearer" and 'error="invalid_token"' in params.replace(" ", "")


@dataclass(frozen=True)
class _Call:
    """One logical request, sent once per attempt."""

    method: str
    url: str
    headers: httpx.Headers
    breaker: CircuitBreaker
    kwargs: dict[str, Any]


def _log_retry(state: RetryCallState) -> None:
    call: _Call = state.args[0]
    outcome = state.outcome
    reason = "error"
    if outcome is not None:
        reason = (
            type(outcome.exception()).__name__
            if outcome.failed
            else str(outcome.result().status_code)
        )
    _log.info(
        "http_retry",
        method=call.method,
        peer=call.breaker.peer,
        attempt=state.attempt_number,
        reason=reason,
    )
