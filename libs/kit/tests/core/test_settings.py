"""Settings: one class per service, read from its own prefixed environment variables."""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import ClassVar

import pytest
from pydantic import SecretStr, ValidationError
from pydantic_settings import SettingsConfigDict

from runnerly_kit.settings import Environment, ServiceSettings

STRONG = "k8Zq3vN1xR7pL0aW5tY2"


class ThingsSettings(ServiceSettings):
    """A service's settings class, as every service writes one."""

    model_config = SettingsConfigDict(env_prefix="THINGS_")
    service_name = "things"

    webhook_secret: SecretStr = SecretStr("")


class OtherSettings(ServiceSettings):
    """A second service in the same process, with a prefix of its own."""

    model_config = SettingsConfigDict(env_prefix="OTHER_")
    service_name = "other"


def test_each_service_reads_its_own_prefix(monkeypatch: pytest.MonkeyPatch) -> None:
    """A service reads THINGS_* variables and ignores another service's."""
    monkeypatch.setenv("THINGS_PORT", "9101")
    monkeypatch.setenv("THINGS_LOG_LEVEL", "DEBUG")
    monkeypatch.setenv("OTHER_PORT", "9102")
    monkeypatch.setenv("PORT", "9103")

    things = ThingsSettings()
    other = OtherSettings()

    assert (things.port, things.log_level) == (9101, "DEBUG")
    assert (other.port, other.log_level) == (9102, "INFO")


def test_derived_defaults_follow_the_service_name(tmp_path: Path) -> None:
    """Without a URL, the database is an SQLite file named after the service in the data folder."""
    settings = ThingsSettings(data_dir=tmp_path)

    assert settings.database_url == f"sqlite+aiosqlite:///{tmp_path}/things/things.db"
    assert settings.is_sqlite
    assert settings.client_id == "things"
    assert settings.jwks_url == "http://127.0.0.1:8701/.well-known/jwks.json"


def test_a_postgres_url_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """A PostgreSQL URL from the environment is used as given."""
    monkeypatch.setenv("THINGS_DATABASE_URL", "postgresql+asyncpg://app@db:5432/things")

    settings = ThingsSettings()

    assert settings.database_url == "postgresql+asyncpg://app@db:5432/things"
    assert not settings.is_sqlite


def test_a_malformed_value_stops_start_up(monkeypatch: pytest.MonkeyPatch) -> None:
    """A value of the wrong type is refused at start-up, naming the field."""
    monkeypatch.setenv("THINGS_PORT", "eighty")

    with pytest.raises(ValidationError, match="port"):
        ThingsSettings()


@pytest.mark.parametrize("environment", ["production", "test"])
@pytest.mark.parametrize("placeholder", ["", "changeme", "CHANGEME", "secret"])
def test_placeholder_secret_is_refused_outside_development(
    monkeypatch: pytest.MonkeyPatch, environment: str, placeholder: str
) -> None:
    """A missing, placeholder or short secret stops the service; the message names the variable."""
    monkeypatch.setenv("THINGS_ENVIRONMENT", environment)
    monkeypatch.setenv("THINGS_CLIENT_SECRET", STRONG)
    monkeypatch.setenv("THINGS_WEBHOOK_SECRET", placeholder)

    with pytest.raises(ValidationError) as caught:
        ThingsSettings()

    message = str(caught.value)
    assert "THINGS_WEBHOOK_SECRET is missing or a placeholder" in message
    assert "at least 16 characters" in message


@pytest.mark.parametrize("environment", ["production", "test"])
@pytest.mark.parametrize(
    ("weak", "reason"),
    [
        ("too-short", "shorter than 16 characters"),
        ("aaaaaaaaaaaaaaaa", "fewer than 8 distinct characters"),
        ("abababababababababab", "fewer than 8 distinct characters"),
        ("password1234567890", "a common password or word"),
        ("P4ssw0rd!!!!!!!!", "a common password or word"),
        ("abcdefghijklmnopqrstuvwxyz", "too predictable"),
        ("qwertyuiop1234567890", "a common password or word"),
        ("secret-password-123456", "too predictable"),
        ("Summer2024Summer2024", "too predictable"),
    ],
)
def test_low_entropy_and_dictionary_secrets_are_refused(
    monkeypatch: pytest.MonkeyPatch, environment: str, weak: str, reason: str
) -> None:
    """Repeated, sequential, common or word-made secrets stop the service, naming the variable."""
    monkeypatch.setenv("THINGS_ENVIRONMENT", environment)
    monkeypatch.setenv("THINGS_CLIENT_SECRET", STRONG)
    monkeypatch.setenv("THINGS_WEBHOOK_SECRET", weak)

    with pytest.raises(ValidationError) as caught:
        ThingsSettings()

    message = str(caught.value)
    assert "THINGS_WEBHOOK_SECRET is too weak: it" in message
    assert reason in message
    assert weak not in message


def test_the_launchers_generated_secrets_pass(monkeypatch: pytest.MonkeyPatch) -> None:
    """Secrets made as the launcher makes them (token_urlsafe) are accepted, every time."""
    monkeypatch.setenv("THINGS_ENVIRONMENT", "production")
    for nbytes in (16, 32):
        for _ in range(200):
            monkeypatch.setenv("THINGS_CLIENT_SECRET", secrets.token_urlsafe(nbytes))
            monkeypatch.setenv("THINGS_WEBHOOK_SECRET", secrets.token_urlsafe(nbytes))

            assert ThingsSettings().environment is Environment.production


class PartnerSettings(ThingsSettings):
    """A service holding a secret a third party issued (it cannot pick a random one)."""

    external_secrets: ClassVar[frozenset[str]] = frozenset({"webhook_secret"})


def test_a_third_partys_secret_needs_only_to_be_present(monkeypatch: pytest.MonkeyPatch) -> None:
    """An external secret may be weak by our measure, but not missing or a placeholder."""
    monkeypatch.setenv("THINGS_ENVIRONMENT", "production")
    monkeypatch.setenv("THINGS_CLIENT_SECRET", STRONG)
    monkeypatch.setenv("THINGS_WEBHOOK_SECRET", "mailbox-password-1")

    assert PartnerSettings().webhook_secret.get_secret_value() == "mailbox-password-1"

    monkeypatch.setenv("THINGS_WEBHOOK_SECRET", "changeme")
    with pytest.raises(ValidationError, match="THINGS_WEBHOOK_SECRET is missing or a placeholder"):
        PartnerSettings()


def test_a_missing_client_secret_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    """The shared client secret is checked too, under the service's own prefix."""
    monkeypatch.setenv("THINGS_ENVIRONMENT", "production")
    monkeypatch.setenv("THINGS_WEBHOOK_SECRET", STRONG)

    with pytest.raises(ValidationError, match="THINGS_CLIENT_SECRET is missing"):
        ThingsSettings()


def test_the_refusal_does_not_echo_secrets(monkeypatch: pytest.MonkeyPatch) -> None:
    """The start-up error shows no secret value, neither the refused one nor the good ones."""
    monkeypatch.setenv("THINGS_ENVIRONMENT", "production")
    monkeypatch.setenv("THINGS_CLIENT_SECRET", STRONG)
    monkeypatch.setenv("THINGS_WEBHOOK_SECRET", "almost-a-secret")

    with pytest.raises(ValidationError) as caught:
        ThingsSettings()

    message = str(caught.value)
    assert STRONG not in message
    assert "almost-a-secret" not in message


def test_strong_secrets_are_accepted_in_production(monkeypatch: pytest.MonkeyPatch) -> None:
    """Real secrets pass, and are held as SecretStr so they never print."""
    monkeypatch.setenv("THINGS_ENVIRONMENT", "production")
    monkeypatch.setenv("THINGS_CLIENT_SECRET", STRONG)
    monkeypatch.setenv("THINGS_WEBHOOK_SECRET", STRONG[::-1])

    settings = ThingsSettings()

    assert settings.environment is Environment.production
    assert settings.webhook_secret.get_secret_value() == STRONG[::-1]
    assert STRONG not in repr(settings)
    assert STRONG not in str(settings.public_dict())


def test_development_tolerates_placeholders(monkeypatch: pytest.MonkeyPatch) -> None:
    """On a laptop (the default environment) empty secrets are fine."""
    monkeypatch.delenv("THINGS_ENVIRONMENT", raising=False)

    settings = ThingsSettings()

    assert settings.environment is Environment.development
    assert settings.client_secret.get_secret_value() == ""


def test_settings_are_frozen() -> None:
    """Settings cannot be changed once validated."""
    settings = ThingsSettings()

    with pytest.raises(ValidationError):
        settings.port = 1  # type: ignore[misc]
