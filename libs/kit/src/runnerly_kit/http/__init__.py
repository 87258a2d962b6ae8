"""Outgoing HTTP: the service client and this service's own access token.

::

    ServiceClient            one shared httpx client: timeouts, retries, a breaker per peer,
                             request id, trace context and the service token on every call
    ServiceTokenProvider     the client-credentials token, cached and refreshed
    CircuitOpen              raised (503) while a peer's breaker is open
"""

from runnerly_kit.http._breaker import CircuitBreaker, CircuitOpen
from runnerly_kit.http._client import ServiceClient
from runnerly_kit.http._retries import IDEMPOTENCY_KEY_HEADER, IDEMPOTENT_METHODS, RETRY_STATUSES
from runnerly_kit.http._tokens import ServiceTokenProvider

__all__ = [
    "IDEMPOTENCY_KEY_HEADER",
    "IDEMPOTENT_METHODS",
    "RETRY_STATUSES",
    "CircuitBreaker",
    "CircuitOpen",
    "ServiceClient",
    "ServiceTokenProvider",
]
