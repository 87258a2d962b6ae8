"""The tokendealer's public keys (its JWKS), fetched with httpx and cached.

PyJWT's ``PyJWKClient`` is not used: it fetches with ``urllib`` and blocks the
event loop. PyJWT's ``PyJWKSet`` still parses the keys.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Collection

import httpx
from jwt import PyJWK, PyJWKSet
from jwt.exceptions import PyJWKSetError, PyJWTError

from runnerly_kit.errors import ServiceUnavailable
from runnerly_kit.logs import get_logger

_log = get_logger("runnerly.auth")
# Symmetric keys ("oct") are never accepted from a JWKS, whatever their "alg".
_ASYMMETRIC_KEY_TYPES = frozenset({"OKP", "RSA", "EC"})


class UnknownKeyError(LookupError):
    """No usable key in the JWKS has this ``kid``, even after a refetch."""


class JwksCache:
    """Keys by ``kid``: refreshed every ``ttl_seconds``, and on an unknown ``kid``.

    A refetch for an unknown ``kid`` happens at most once every
    ``min_refetch_seconds``, so that tokens with made-up kids cannot make every
    request hit the JWKS URL. Concurrent callers share one fetch. When a
    refresh fails, the keys already known keep being used.
    """

    def __init__(
        self,
        url: str,
        *,
        http: httpx.AsyncClient,
        algorithms: Collection[str],
        ttl_seconds: float,
        min_refetch_seconds: float,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.url = url
        self._http = http
        self._algorithms = frozenset(algorithms)
        self._ttl = ttl_seconds
        self._min_refetch = min_refetch_seconds
        self._clock = clock
        self._keys: dict[str, PyJWK] | None = None
        self._fetched_at = 0.0
        self._attempted_at: float | None = None
        self._lock = asyncio.Lock()
        # Bumped when a fetch ends: a caller that waited for the lock sees it moved and
        # uses that fetch's result instead of fetching again.
        self._generation = 0
        #: How many times the JWKS was requested (for metrics and tests).
        self.fetches = 0

    async def key(self, kid: str) -> PyJWK:
        """The key with this ``kid``.

        Raises :class:`UnknownKeyError`, or :class:`~runnerly_kit.errors.ServiceUnavailable`
        when no keys could be fetched at all.
        """
        now = self._clock()
        keys = self._keys
        if (
            keys is None
            or now - self._fetched_at >= self._ttl
            or (kid not in keys and self._may_refetch(now))
        ):
            keys = await self._refresh(seen=self._generation)
        key = keys.get(kid)
        if key is None:
            raise UnknownKeyError(kid)
        return key

    async def ensure_loaded(self) -> None:
        """Fetch the keys unless some are known; raise
        :class:`~runnerly_kit.errors.ServiceUnavailable` if there are still none.

        For readiness: a service started while the JWKS was unreachable becomes
        ready once it is reachable again (fetches stay rate-limited).
        """
        if not self._keys:
            await self._refresh(seen=self._generation)
        if not self._keys:
            raise ServiceUnavailable("the JWKS has no usable key", code="jwks_unavailable")

    def _may_refetch(self, now: float) -> bool:
        return self._attempted_at is None or now - self._attempted_at >= self._min_refetch

    async def _refresh(self, *, seen: int) -> dict[str, PyJWK]:
        async with self._lock:
            if self._generation != seen:
                # Another caller fetched while this one waited for the lock: use its result.
                return self._usable_keys()
            if not self._may_refetch(self._clock()):
                return self._usable_keys()
            self._attempted_at = self._clock()
            self.fetches += 1
            try:
                keys = await self._fetch()
            except (httpx.HTTPError, ValueError, TypeError, PyJWTError) as exc:
                self._generation += 1
                _log.warning("jwks_fetch_failed", url=self.url, error=type(exc).__name__)
                return self._usable_keys()
            self._generation += 1
            self._keys = keys
            self._fetched_at = self._attempted_at
            return keys

    def _usable_keys(self) -> dict[str, PyJWK]:
        if self._keys is None:
            raise ServiceUnavailable(
                "The token keys could not be fetched; try again shortly.", code="jwks_unavailable"
            )
        return self._keys

    async def _fetch(self) -> dict[str, PyJWK]:
        response = await self._http.get(self.url, headers={"Accept": "application/json"})
        response.raise_for_status()
        body = response.json()
        if not isinstance(body, dict) or not isinstance(body.get("keys"), list):
            raise TypeError("not a JWK Set")
        try:
            keyset = PyJWKSet.from_dict(body)
        except PyJWKSetError:
            keyset_keys: list[PyJWK] = []  # empty, or nothing usable: no token verifies
        else:
            keyset_keys = keyset.keys
        keys = {
            key.key_id: key
            for key in keyset_keys
            if key.key_id
            and key.key_type in _ASYMMETRIC_KEY_TYPES
            and key.algorithm_name in self._algorithms
            and key.public_key_use in {None, "sig"}
        }
        _log.info("jwks_fetched", url=self.url, kids=sorted(keys))
        return keys
