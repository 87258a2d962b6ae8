"""The strava service's own runtime objects, built at start-up, and typed access to them.

The Strava client has its own kit ``ServiceClient`` (no retries, no service
token, Strava's timeout): see :mod:`runnerly_strava.strava.client`. It is
closed by the sync worker when the service stops, after the last request.
"""

from __future__ import annotations

from dataclasses import dataclass

from pydantic import SecretStr

from runnerly_kit.crypto import TokenCipher
from runnerly_kit.http import ServiceClient
from runnerly_kit.runtime import Runtime
from runnerly_strava.metrics import SyncMetrics
from runnerly_strava.runs_api import RunsClient
from runnerly_strava.settings import StravaSettings
from runnerly_strava.strava.client import StravaClient
from runnerly_strava.strava.ratelimit import RateLimiter


@dataclass(frozen=True)
class Components:
    """What the endpoints and the worker share in one process."""

    cipher: TokenCipher
    strava: StravaClient
    strava_http: ServiceClient
    runs: RunsClient
    metrics: SyncMetrics


#: HKDF's salt and info for the Strava tokens: fixed forever, or stored tokens cannot be read.
_CIPHER_SALT = b"runnerly-strava"
_CIPHER_INFO = b"strava-oauth-tokens/v1"


def strava_cipher(secret: SecretStr) -> TokenCipher:
    """The cipher of the Strava tokens at rest (``STRAVA_TOKEN_ENCRYPTION_KEY``)."""
    return TokenCipher(secret, salt=_CIPHER_SALT, info=_CIPHER_INFO)


def settings_of(runtime: Runtime) -> StravaSettings:
    """The runtime's settings, as the strava service's own class."""
    return runtime.settings_as(StravaSettings)


def components_of(runtime: Runtime) -> Components:
    """The process's cipher, clients and metrics."""
    return runtime.components.get(Components)


async def open_components(runtime: Runtime) -> None:
    """Start-up hook: build the components (no I/O)."""
    settings = settings_of(runtime)
    strava_http = ServiceClient(
        timeout=settings.strava_timeout_seconds,
        retries=0,
        token_provider=None,
        # Errors say "Strava", never the address (a test's local Strava is on loopback).
        peer_names={settings.strava_api_url: "Strava", settings.strava_oauth_url: "Strava"},
    )
    limiter = RateLimiter(
        window_seconds=settings.rate_limit_window_seconds,
        daily_window_seconds=settings.rate_limit_daily_window_seconds,
        margin=settings.rate_limit_margin,
    )
    secret = settings.strava_client_secret
    strava = StravaClient(
        strava_http,
        limiter,
        api_url=settings.strava_api_url,
        oauth_url=settings.strava_oauth_url,
        client_id=settings.strava_client_id,
        client_secret=secret.get_secret_value() if secret is not None else "",
    )
    components = Components(
        cipher=strava_cipher(settings.token_encryption_key),
        strava=strava,
        strava_http=strava_http,
        runs=RunsClient(runtime.http, settings.runs_url),
        metrics=SyncMetrics(runtime.registry),
    )
    runtime.components.add(components)
