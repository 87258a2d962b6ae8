"""Settings: one class per service, read from its own prefixed environment variables."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic import SecretStr, ValidationError
from pydantic_settings import SettingsConfigDict

from runnerly_kit.settings import MIN_SECRET_LENGTH, Environment, ServiceSettings

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
@pytest.mark.parametrize("placeholder", ["", "changeme", "CHANGEME", "secret", "too-short"])
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
    assert f"at least {MIN_SECRET_LENGTH} characters" in message


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
