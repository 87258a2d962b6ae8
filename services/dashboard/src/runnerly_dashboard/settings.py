"""The dashboard's settings (environment variables prefixed ``DASHBOARD_``).

``client_id``/``client_secret`` (from :class:`ServiceSettings`) are the
dashboard's client at the token dealer, which logs runners in with the
password grant. ``session_encryption_key`` encrypts the runners' tokens in
the session rows (the launcher generates it; in production the operator sets
it like any secret).

``public_url`` is the dashboard as the browser reaches it: its origin is the
one a state-changing request must come from (the CSRF check), and outside
development the session cookie is ``__Host-`` and ``Secure``.

The export gathers the parts of ``export_services`` (a comma-separated list of
service names); each one's URL is ``DASHBOARD_<NAME>_URL``, which ``runnerly
up`` passes for every peer, or an entry of ``export_urls``.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated, Any, ClassVar, Self
from urllib.parse import urlsplit

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from runnerly_dashboard.manifest import DASHBOARD_PORT
from runnerly_kit.settings import USERS_PORT, Environment, ServiceSettings, SettingsError

RUNS_PORT = 8703
STRAVA_PORT = 8704
_MIB = 2**20
_HOUR = 3600.0
#: Host names that all mean "this machine" (a browser may use any of them in development).
LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]")


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of a URL, lower-cased, as browsers send it in ``Origin``."""
    parts = urlsplit(url.strip())
    return f"{parts.scheme.lower()}://{parts.netloc.lower()}"


class DashboardSettings(ServiceSettings):
    """Settings of the dashboard."""

    model_config = SettingsConfigDict(env_prefix="DASHBOARD_")
    service_name: ClassVar[str] = "dashboard"

    port: int = DASHBOARD_PORT
    #: The dashboard as browsers reach it (no path): the CSRF check's origin. Empty: this
    #: machine on the service's own port (``runnerly up``, whatever port it was given).
    public_url: str = ""
    #: Other origins the app may be served from (comma-separated), e.g. Vite's dev server.
    allowed_origins: Annotated[tuple[str, ...], NoDecode] = ()
    #: The built app (``web/dist``); empty: found next to the repository or the working folder.
    web_dir: Path | None = None

    # ---- sessions
    #: Key material for the at-rest encryption of the runners' tokens (HKDF input).
    session_encryption_key: SecretStr = SecretStr("")
    #: A session unused this long ends (the runner logs in again).
    session_idle_seconds: float = Field(default=2 * _HOUR, gt=0)
    #: A session ends this long after it began, however active.
    session_absolute_seconds: float = Field(default=14 * 24 * _HOUR, gt=0)
    #: The access token is refreshed when it expires within this margin.
    token_refresh_margin_seconds: float = Field(default=60.0, ge=0)
    #: Last-seen times are written at most this often (one write per request would
    #: make every screen a write transaction).
    session_touch_seconds: float = Field(default=60.0, ge=0)
    #: How often the expired sessions are deleted.
    session_purge_seconds: float = Field(default=600.0, gt=0)

    # ---- the services it calls
    users_url: str = f"http://127.0.0.1:{USERS_PORT}"
    runs_url: str = f"http://127.0.0.1:{RUNS_PORT}"
    strava_url: str = f"http://127.0.0.1:{STRAVA_PORT}"
    #: How long one panel of a screen may take before it shows as unavailable.
    panel_deadline_seconds: float = Field(default=2.0, gt=0)

    # ---- uploads
    #: The largest upload, as the runs service's own limit (``RUNS_MAX_UPLOAD_BYTES``).
    max_upload_bytes: int = Field(default=25 * _MIB, gt=0)
    #: Files per upload, as the runs service's own limit (``RUNS_MAX_FILES_PER_UPLOAD``).
    max_files_per_upload: int = Field(default=50, gt=0)

    # ---- export
    #: The services whose part of a runner's data goes into "download my data".
    export_services: Annotated[tuple[str, ...], NoDecode] = ("users", "runs", "strava")
    #: Base URLs of export services by name, where ``DASHBOARD_<NAME>_URL`` is not the one.
    export_urls: dict[str, str] = Field(default_factory=dict)

    @field_validator("allowed_origins", "export_services", mode="before")
    @classmethod
    def _split_list(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(part.strip() for part in value.split(",") if part.strip())
        return value

    @model_validator(mode="after")
    def _public_url_from_port(self) -> Self:
        if not self.public_url:
            object.__setattr__(self, "public_url", f"http://127.0.0.1:{self.port}")
        return self

    @model_validator(mode="after")
    def _export_urls_known(self) -> Self:
        urls: dict[str, str] = {}
        for name in self.export_services:
            variable = f"DASHBOARD_{name.upper().replace('-', '_')}_URL"
            own_field = f"{name.replace('-', '_')}_url"
            url = (
                self.export_urls.get(name)
                or (
                    getattr(self, own_field, None) if own_field in type(self).model_fields else None
                )
                or os.environ.get(variable)
            )
            if not url:
                raise SettingsError(
                    f"DASHBOARD_EXPORT_SERVICES names {name!r} but {variable} is not set"
                )
            urls[name] = url
        object.__setattr__(self, "export_urls", urls)
        return self

    @property
    def development(self) -> bool:
        """True on one machine (``runnerly up``): plain-HTTP cookies and loopback aliases."""
        return self.environment is Environment.development

    @property
    def cookie_name(self) -> str:
        """``__Host-`` outside development: browsers then insist on Secure, Path=/, no Domain."""
        return "runnerly_session" if self.development else "__Host-runnerly_session"

    @property
    def trusted_origins(self) -> frozenset[str]:
        """Origins a state-changing request may come from.

        The public origin and the configured ones; in development also the same
        port under the other names of this machine (a browser opened on
        ``localhost`` while ``public_url`` says ``127.0.0.1``).
        """
        public = origin_of(self.public_url)
        origins = {public, *(origin_of(extra) for extra in self.allowed_origins)}
        if self.development:
            parts = urlsplit(public)
            if parts.hostname is not None and parts.port is not None:
                host = "[::1]" if parts.hostname == "::1" else parts.hostname
                if host in LOOPBACK_HOSTS:
                    origins |= {
                        f"{parts.scheme}://{alias}:{parts.port}" for alias in LOOPBACK_HOSTS
                    }
        return frozenset(origins)
