"""The strava service's settings (environment variables prefixed ``STRAVA_``).

``client_id``/``client_secret`` (from :class:`ServiceSettings`) are this
service's credentials at *our* token dealer; Strava's own application
credentials are ``strava_client_id``/``strava_client_secret``. Without a
Strava client id (the development default) everything runs, but connecting
answers 503 with a message saying what to configure.

OAuth (authorize, token exchange and refresh, deauthorize) lives under
``strava_oauth_url`` (``https://www.strava.com/oauth``, where Strava's
getting-started guide posts the token exchange); the REST API under
``strava_api_url``. Both come from configuration, so tests point them at the
local Strava server of :mod:`runnerly_strava.testing`.
"""

from __future__ import annotations

from typing import ClassVar, Self

from pydantic import Field, SecretStr, model_validator
from pydantic_settings import SettingsConfigDict

from runnerly_kit.settings import ServiceSettings, SettingsError
from runnerly_strava.manifest import STRAVA_PORT

RUNS_PORT = 8703
DASHBOARD_PORT = 8700


class StravaSettings(ServiceSettings):
    """Settings of the strava service."""

    model_config = SettingsConfigDict(env_prefix="STRAVA_")
    service_name: ClassVar[str] = "strava"
    external_secrets: ClassVar[frozenset[str]] = frozenset({"strava_client_secret"})

    port: int = STRAVA_PORT

    # ---- Strava's application (https://www.strava.com/settings/api)
    strava_client_id: str = ""
    # None rather than empty: the kit refuses empty secrets outside development,
    # and a system without Strava configured is a valid one (connect says 503).
    strava_client_secret: SecretStr | None = None
    strava_api_url: str = "https://www.strava.com/api/v3"
    strava_oauth_url: str = "https://www.strava.com/oauth"
    #: ``auto`` asks again only when needed; ``force`` always shows Strava's consent page.
    approval_prompt: str = Field(default="auto", pattern="^(auto|force)$")
    #: The push subscription's id, if known from outside (else the one created here is used).
    strava_subscription_id: int | None = None
    #: Timeout of one call to Strava (their API is slower than our own peers).
    strava_timeout_seconds: float = Field(default=15.0, gt=0)

    # ---- our secrets
    #: Key material for the at-rest encryption of Strava tokens (HKDF input).
    token_encryption_key: SecretStr = SecretStr("")
    #: The ``hub.verify_token`` Strava echoes when validating the push subscription.
    webhook_verify_token: SecretStr = SecretStr("")

    # ---- where things are
    runs_url: str = f"http://127.0.0.1:{RUNS_PORT}"
    #: This service as the browser and Strava reach it (redirect_uri, webhook callback).
    public_url: str = f"http://127.0.0.1:{STRAVA_PORT}"
    #: Where the browser lands after the OAuth callback.
    dashboard_url: str = f"http://127.0.0.1:{DASHBOARD_PORT}"
    #: Where Strava sends the browser back (``redirect_uri``); empty: this service's own
    #: ``/v1/strava/callback``. The dashboard's ``/bff/v1/strava/callback`` binds the state
    #: to the browser session that started the connect, then calls ours (``runnerly up``
    #: sets it so; in production set it to the dashboard's public URL + that path).
    redirect_url: str = ""

    # ---- OAuth
    state_ttl_seconds: float = Field(default=600.0, gt=0)
    #: Refresh an access token that expires within this margin (Strava's live 6 h and
    #: Strava hands out a new one only when the old one expires within the hour).
    token_refresh_margin_seconds: float = Field(default=3600.0, ge=0)

    # ---- sync
    #: Periodic safety-net sync of every link (the webhook is the main path).
    sync_interval_seconds: float = Field(default=6 * 3600.0, gt=0)
    #: The periodic sync asks for activities started after the last one seen minus this.
    sync_overlap_seconds: float = Field(default=7 * 86400.0, ge=0)
    #: Activities per page of ``/athlete/activities`` (Strava's maximum is 200).
    page_size: int = Field(default=100, ge=1, le=200)

    # ---- jobs
    #: False for replicas that only answer HTTP (the jobs they record wait for another's worker).
    worker_enabled: bool = True
    poll_seconds: float = Field(default=5.0, gt=0)
    batch_size: int = Field(default=10, ge=1, le=200)
    #: Jobs of one batch run at the same time.
    concurrency: int = Field(default=4, ge=1, le=32)
    #: How long a claimed job is left alone by other workers (longer than a job can take).
    lease_seconds: float = Field(default=120.0, gt=0)
    max_attempts: int = Field(default=8, ge=1)
    retry_base_seconds: float = Field(default=10.0, gt=0)
    retry_cap_seconds: float = Field(default=3600.0, gt=0)

    # ---- Strava's rate limits
    #: Length of Strava's short window (quarter hours, aligned on the clock).
    rate_limit_window_seconds: float = Field(default=900.0, gt=0)
    #: Length of the daily window (it resets at midnight UTC).
    rate_limit_daily_window_seconds: float = Field(default=86400.0, gt=0)
    #: Stop calling when usage reaches ``limit - margin`` in either window.
    rate_limit_margin: int = Field(default=10, ge=0)

    @model_validator(mode="after")
    def _strava_secret_with_id(self) -> Self:
        if self.strava_client_id and self.strava_client_secret is None:
            raise SettingsError(
                "STRAVA_STRAVA_CLIENT_ID is set but STRAVA_STRAVA_CLIENT_SECRET is not"
            )
        return self

    @property
    def strava_configured(self) -> bool:
        """True when Strava's application credentials are set."""
        return bool(self.strava_client_id) and self.strava_client_secret is not None

    @property
    def redirect_uri(self) -> str:
        """Where Strava sends the browser back after the runner's decision."""
        return self.redirect_url or f"{self.public_url.rstrip('/')}/v1/strava/callback"

    @property
    def webhook_url(self) -> str:
        """The push subscription's callback."""
        return f"{self.public_url.rstrip('/')}/v1/strava/webhook"
