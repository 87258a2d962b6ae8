"""The mailer's settings: defaults for the embedded sink, and refusals that name the variable."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

from runnerly_mailer.settings import MailerSettings, SmtpSecurity


def test_the_defaults_point_at_the_embedded_sink(monkeypatch: pytest.MonkeyPatch) -> None:
    """Without configuration the mailer sends in plain SMTP to 127.0.0.1:8725, 8 attempts."""
    monkeypatch.delenv("MAILER_SMTP_HOST", raising=False)
    monkeypatch.delenv("MAILER_SMTP_PORT", raising=False)
    settings = MailerSettings()

    assert (settings.smtp_host, settings.smtp_port) == ("127.0.0.1", 8725)
    assert settings.smtp_security is SmtpSecurity.none
    assert settings.sender == "Runnerly <no-reply@runnerly.localhost>"
    assert settings.sender_domain == "runnerly.localhost"
    assert settings.max_attempts == 8
    assert settings.port == 8708


def test_the_launcher_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    """MAILER_SMTP_HOST / MAILER_SMTP_PORT / MAILER_SMTP_SECURITY come from the environment."""
    monkeypatch.setenv("MAILER_SMTP_HOST", "smtp.example.org")
    monkeypatch.setenv("MAILER_SMTP_PORT", "465")
    monkeypatch.setenv("MAILER_SMTP_SECURITY", "tls")
    monkeypatch.setenv("MAILER_SMTP_USERNAME", "runnerly")
    monkeypatch.setenv("MAILER_SMTP_PASSWORD", "a-long-smtp-password-123")

    settings = MailerSettings()

    assert (settings.smtp_host, settings.smtp_port) == ("smtp.example.org", 465)
    assert settings.smtp_security is SmtpSecurity.tls
    assert settings.smtp_password is not None
    assert "a-long-smtp-password-123" not in repr(settings)


def test_a_password_without_a_username_is_refused() -> None:
    """A password alone is a configuration mistake, reported at start-up."""
    with pytest.raises(ValidationError, match="MAILER_SMTP_USERNAME"):
        MailerSettings(smtp_password="a-long-smtp-password-123")


def test_a_sender_without_an_address_is_refused() -> None:
    """The From header must hold an address."""
    with pytest.raises(ValidationError):
        MailerSettings(sender="Runnerly")
