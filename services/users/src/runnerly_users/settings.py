"""The users service's settings (environment variables prefixed ``USERS_``)."""

from __future__ import annotations

from typing import Annotated, Any, ClassVar

from pydantic import Field, field_validator
from pydantic_settings import NoDecode, SettingsConfigDict

from runnerly_kit.settings import ServiceSettings
from runnerly_users.manifest import USERS_PORT

_DAY = 24 * 3600


class UsersSettings(ServiceSettings):
    """Settings of the users service."""

    model_config = SettingsConfigDict(env_prefix="USERS_")
    service_name: ClassVar[str] = "users"

    port: int = USERS_PORT
    #: Links in emails point at the dashboard: ``{dashboard_url}/activate?token=...``.
    dashboard_url: str = "http://127.0.0.1:8700"
    activation_ttl_seconds: int = Field(default=_DAY, gt=0)
    password_reset_ttl_seconds: int = Field(default=3600, gt=0)
    email_change_ttl_seconds: int = Field(default=_DAY, gt=0)
    #: Comma-separated emails whose accounts are admins (scope ``admin``), e.g. the operator's.
    admin_emails: Annotated[frozenset[str], NoDecode] = frozenset()
    # Argon2id cost (RFC 9106's second recommended profile by default: 64 MiB, 3 passes).
    argon2_time_cost: int = Field(default=3, ge=1)
    argon2_memory_kib: int = Field(default=64 * 1024, ge=8 * 1024)
    argon2_parallelism: int = Field(default=4, ge=1)

    @field_validator("admin_emails", mode="before")
    @classmethod
    def _split_emails(cls, value: Any) -> Any:
        if isinstance(value, str):
            value = value.split(",")
        if isinstance(value, list | tuple | set | frozenset):
            return frozenset(str(email).strip().lower() for email in value if str(email).strip())
        return value

    def link(self, page: str, token: str) -> str:
        """A dashboard link carrying a one-time token."""
        return f"{self.dashboard_url.rstrip('/')}/{page}?token={token}"
