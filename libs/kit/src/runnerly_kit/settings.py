"""Settings: one validated class per service, read from environment variables.

Each service subclasses :class:`ServiceSettings` with its own ``env_prefix``
(``TOKENDEALER_``, ``USERS_``...). Values are validated when the service starts,
so a typo or a missing secret stops the process with a clear message instead of
failing on the first request.

Secrets are :class:`pydantic.SecretStr` fields. Outside development a secret
must be a real random value: empty, short, common (a placeholder, a common
password or word) and low-entropy values (repeated or sequential characters,
few distinct characters, under 64 bits by :mod:`runnerly_kit.secret_strength`)
are refused, naming the variable. Secrets a third party issues (an SMTP
password, an OAuth app's secret) are listed in ``external_secrets`` and only
have to be present and not a placeholder: we cannot choose them.
"""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path
from typing import Any, ClassVar, Self

from pydantic import SecretStr, model_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from runnerly_kit.secret_strength import MIN_SECRET_LENGTH, weakness

PLACEHOLDER_SECRETS = frozenset(
    {"", "changeme", "change-me", "change_me", "secret", "password", "placeholder", "dev", "test"}
)

# Default ports of the embedded system. They avoid the standard ports of
# PostgreSQL, MySQL, Redis, RabbitMQ, NATS and MQTT (see docs/operations.md).
EMBEDDED_NATS_PORT = 8790
TOKENDEALER_PORT = 8701
USERS_PORT = 8702


class Environment(StrEnum):
    """Where the service runs; only ``development`` tolerates placeholder secrets."""

    development = "development"
    test = "test"
    production = "production"


class SettingsError(ValueError):
    """A setting is missing or unsafe; the message names the variable to fix."""


class ServiceSettings(BaseSettings):
    """Settings every service shares. Subclasses set ``service_name`` and ``env_prefix``."""

    # hide_input_in_errors: a validation error would otherwise echo every input
    # value, secrets included, into the start-up error and the logs.
    model_config = SettingsConfigDict(
        extra="ignore", frozen=True, validate_default=True, hide_input_in_errors=True
    )

    service_name: ClassVar[str] = "service"
    #: Secret fields issued by a third party: refused only when empty or a placeholder.
    external_secrets: ClassVar[frozenset[str]] = frozenset()

    environment: Environment = Environment.development
    host: str = "127.0.0.1"
    port: int = 8000
    data_dir: Path = Path("var")
    database_url: str = ""
    #: PostgreSQL schema to use (tests give each test its own); empty means the default.
    database_schema: str = ""
    database_echo: bool = False

    nats_url: str = f"nats://127.0.0.1:{EMBEDDED_NATS_PORT}"
    broker_connect_timeout_seconds: float = 2.0

    tokendealer_url: str = f"http://127.0.0.1:{TOKENDEALER_PORT}"
    # Not secrets: the JWT issuer and audience names (ruff's S105 sees "token").
    token_issuer: str = "runnerly-tokendealer"  # noqa: S105
    token_audience: str = "runnerly"  # noqa: S105
    jwks_url: str = ""
    jwt_algorithms: tuple[str, ...] = ("EdDSA",)
    #: How long a revocation is remembered: the access-token lifetime (15 min) plus clock skew.
    revocation_retention_seconds: float = 960.0

    client_id: str = ""
    client_secret: SecretStr = SecretStr("")

    http_timeout_seconds: float = 5.0
    http_retries: int = 3
    log_level: str = "INFO"
    log_json: bool = True
    otel_exporter_otlp_endpoint: str = ""
    #: How long in-flight requests (an upload included) get after SIGTERM: what the
    #: service's runner passes to uvicorn as ``--timeout-graceful-shutdown``.
    shutdown_grace_seconds: float = 30.0

    @model_validator(mode="after")
    def _fill_derived(self) -> Self:
        # Frozen model: derived defaults are written once, here, through object.__setattr__.
        if not self.database_url:
            db_file = self.data_dir / self.service_name / f"{self.service_name}.db"
            object.__setattr__(self, "database_url", f"sqlite+aiosqlite:///{db_file}")
        if not self.jwks_url:
            jwks = f"{self.tokendealer_url.rstrip('/')}/.well-known/jwks.json"
            object.__setattr__(self, "jwks_url", jwks)
        if not self.client_id:
            object.__setattr__(self, "client_id", self.service_name)
        return self

    @model_validator(mode="after")
    def _refuse_weak_secrets(self) -> Self:
        if self.environment is Environment.development:
            return self
        for name, value in self._secrets().items():
            secret = value.get_secret_value()
            variable = self.variable_name(name)
            if secret.lower() in PLACEHOLDER_SECRETS:
                raise SettingsError(
                    f"{variable} is missing or a placeholder; set a random secret of at least "
                    f"{MIN_SECRET_LENGTH} characters (environment={self.environment.value})"
                )
            problem = None if name in self.external_secrets else weakness(secret)
            if problem is not None:
                raise SettingsError(
                    f"{variable} is too weak: {problem}; set a random secret, e.g. "
                    f"python -c 'import secrets; print(secrets.token_urlsafe(32))' "
                    f"(environment={self.environment.value})"
                )
        return self

    def variable_name(self, field: str) -> str:
        """The environment variable that sets ``field`` (for error messages)."""
        return f"{self.model_config.get('env_prefix', '')}{field}".upper()

    def _secrets(self) -> dict[str, SecretStr]:
        return {
            name: value
            for name in type(self).model_fields
            if isinstance(value := getattr(self, name), SecretStr)
        }

    def peer_names(self) -> dict[str, str]:
        """Names of the peers this service calls, by base URL (``users_url`` → "the users service").

        The HTTP client names a failing peer this way in error bodies, which
        must never show an internal address.
        """
        names: dict[str, str] = {}
        for field in type(self).model_fields:
            value = getattr(self, field)
            if field.endswith("_url") and isinstance(value, str) and value.startswith("http"):
                # setdefault: tokendealer_url is declared before jwks_url, on the same origin.
                names.setdefault(value, f"the {field.removesuffix('_url')} service")
        return names

    @property
    def is_sqlite(self) -> bool:
        """True when the service's database is an SQLite file (the embedded default)."""
        return self.database_url.startswith("sqlite")

    def public_dict(self) -> dict[str, Any]:
        """Settings safe to log: secrets are masked by SecretStr's own repr."""
        return self.model_dump(mode="json")
