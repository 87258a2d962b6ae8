"""The mailer's settings (environment variables prefixed ``MAILER_``)."""

from __future__ import annotations

from email.headerregistry import Address
from email.utils import parseaddr
from enum import StrEnum
from typing import ClassVar, Self

from pydantic import Field, SecretStr, field_validator, model_validator
from pydantic_settings import SettingsConfigDict

from runnerly_kit.settings import ServiceSettings, SettingsError

MAILER_PORT = 8708
#: The SMTP sink of the embedded system (``RUNNERLY_SMTP_PORT``).
EMBEDDED_SMTP_PORT = 8725


class SmtpSecurity(StrEnum):
    """How the connection to the SMTP server is protected."""

    #: Plain SMTP: only for a sink on loopback (the embedded default).
    none = "none"
    #: Plain connection upgraded with STARTTLS (usually port 587).
    starttls = "starttls"
    #: TLS from the first byte (SMTPS, usually port 465).
    tls = "tls"


class MailerSettings(ServiceSettings):
    """Settings of the mailer."""

    model_config = SettingsConfigDict(env_prefix="MAILER_")
    service_name: ClassVar[str] = "mailer"
    external_secrets: ClassVar[frozenset[str]] = frozenset({"smtp_password"})

    port: int = MAILER_PORT
    smtp_host: str = "127.0.0.1"
    smtp_port: int = Field(default=EMBEDDED_SMTP_PORT, gt=0, lt=65536)
    smtp_username: str | None = None
    # None rather than an empty SecretStr: the kit refuses empty secrets outside
    # development, and a sink or a relay by IP needs no password at all.
    smtp_password: SecretStr | None = None
    smtp_security: SmtpSecurity = SmtpSecurity.none
    smtp_timeout_seconds: float = Field(default=10.0, gt=0)
    #: The From header: ``Display Name <address>``.
    sender: str = "Runnerly <no-reply@runnerly.localhost>"
    #: Send attempts before an email is given up on (status ``dead``).
    max_attempts: int = Field(default=8, ge=1)
    #: First retry delay; it doubles per attempt (with jitter) up to the cap.
    retry_base_seconds: float = Field(default=30.0, gt=0)
    retry_cap_seconds: float = Field(default=3600.0, gt=0)
    #: How often the delivery worker looks for due emails when nothing wakes it.
    poll_seconds: float = Field(default=5.0, gt=0)
    #: Emails claimed (and sent one after the other) per round.
    batch_size: int = Field(default=20, ge=1, le=500)

    @field_validator("sender")
    @classmethod
    def _an_address(cls, sender: str) -> str:
        _name, address = parseaddr(sender)
        if "@" not in address:
            raise ValueError("expected 'Display Name <user@domain>' or 'user@domain'")
        return sender

    @model_validator(mode="after")
    def _password_needs_username(self) -> Self:
        if self.smtp_password is not None and not self.smtp_username:
            raise SettingsError("MAILER_SMTP_PASSWORD is set but MAILER_SMTP_USERNAME is not")
        return self

    @property
    def sender_domain(self) -> str:
        """The domain of the sender's address (it names our Message-IDs)."""
        return parseaddr(self.sender)[1].rpartition("@")[2]

    @property
    def claim_seconds(self) -> float:
        """How long a claimed email is left alone before another round may take it again.

        Longer than one send can take, so two workers never send the same email
        at once; short enough that a crash mid-send delays it only briefly.
        """
        return self.smtp_timeout_seconds * 3 + 5


def sender_address(settings: MailerSettings) -> Address:
    """The From header as an :class:`~email.headerregistry.Address`."""
    name, address = parseaddr(settings.sender)
    username, _, domain = address.rpartition("@")
    return Address(display_name=name, username=username, domain=domain)
