"""When an outgoing call may be repeated, and how long to wait before repeating it."""

from __future__ import annotations

import email.utils
import time

import httpx
from tenacity import RetryCallState, wait_random_exponential

#: Methods that mean the same thing when sent twice (RFC 9110 §9.2.2).
IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE"})
#: Statuses that say "try again": overloaded, restarting, or asked to slow down.
RETRY_STATUSES = frozenset({429, 502, 503, 504})
IDEMPOTENCY_KEY_HEADER = "Idempotency-Key"


def may_repeat(method: str, headers: httpx.Headers) -> bool:
    """True when repeating the call cannot do the work twice.

    POST and PATCH are repeated only with an ``Idempotency-Key``: the peer then
    recognises the second copy and answers it without doing the work again.
    """
    return method in IDEMPOTENT_METHODS or IDEMPOTENCY_KEY_HEADER in headers


def retry_after_seconds(response: httpx.Response) -> float | None:
    """The delay a ``Retry-After`` header asks for (delta-seconds or HTTP-date), if any."""
    value = response.headers.get("Retry-After")
    if value is None:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class RetryPolicy:
    """Tenacity's ``retry`` and ``wait`` for one client: transport errors and retry statuses.

    A ``Retry-After`` longer than ``retry_after_cap`` is not waited for: the
    response goes back to the caller at once rather than holding its request.
    """

    def __init__(
        self, *, backoff_initial: float, backoff_max: float, retry_after_cap: float
    ) -> None:
        self.retry_after_cap = retry_after_cap
        # Full jitter, so that clients that failed together do not retry together.
        self._backoff = wait_random_exponential(multiplier=backoff_initial, max=backoff_max)

    def should_retry(self, state: RetryCallState) -> bool:
        """Tenacity's ``retry`` predicate."""
        outcome = state.outcome
        if outcome is None:
            return False
        if outcome.failed:
            return isinstance(outcome.exception(), httpx.TransportError)
        response = outcome.result()
        if not isinstance(response, httpx.Response) or response.status_code not in RETRY_STATUSES:
            return False
        delay = retry_after_seconds(response)
        return delay is None or delay <= self.retry_after_cap

    def wait(self, state: RetryCallState) -> float:
        """Tenacity's ``wait``: the peer's ``Retry-After`` if it sent one, else jittered backoff."""
        outcome = state.outcome
        if outcome is not None and not outcome.failed:
            response = outcome.result()
            if isinstance(response, httpx.Response):
                delay = retry_after_seconds(response)
                if delay is not None:
                    return min(delay, self.retry_after_cap)
        return self._backoff(state)


def last_outcome(state: RetryCallState) -> httpx.Response:
    """When retries run out, hand back the last response (or raise the last error)."""
    assert state.outcome is not None
    response: httpx.Response = state.outcome.result()
    return response
