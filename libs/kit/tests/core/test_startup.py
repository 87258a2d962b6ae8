"""A start-up refused for a setting: one log line naming the variable, no traceback."""

from __future__ import annotations

from pathlib import Path

import pytest
from pydantic_settings import SettingsConfigDict

from runnerly_kit.app import ServiceDefinition, create_app
from runnerly_kit.runtime import Runtime
from runnerly_kit.settings import ServiceSettings, SettingsError
from runnerly_kit.testing.servers import serve, server_errors


class VaultSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="VAULT_")
    service_name = "vault"


async def _refuse(_runtime: Runtime) -> None:
    raise SettingsError("VAULT_SEAL_SECRET does not open the vault")


async def _crash(_runtime: Runtime) -> None:
    raise RuntimeError("a bug, not a setting")


async def test_a_settings_error_at_start_up_is_one_line(tmp_path: Path) -> None:
    """The server logs the SettingsError's message alone, then that start-up failed."""
    definition = ServiceDefinition(
        title="Vault", version="1", on_startup=[_refuse], uses_broker=False
    )
    app = create_app(VaultSettings(data_dir=tmp_path), definition)

    with server_errors() as errors, pytest.raises(RuntimeError, match="failed to start"):
        async with serve(app):
            pass

    assert errors == [
        "VAULT_SEAL_SECRET does not open the vault",
        "Application startup failed. Exiting.",
    ]


async def test_any_other_start_up_error_keeps_its_traceback(tmp_path: Path) -> None:
    """A bug at start-up is not shortened: the operator needs to see where it is."""
    definition = ServiceDefinition(
        title="Vault", version="1", on_startup=[_crash], uses_broker=False
    )
    app = create_app(VaultSettings(data_dir=tmp_path), definition)

    with server_errors() as errors, pytest.raises(RuntimeError, match="failed to start"):
        async with serve(app):
            pass

    assert errors[0].startswith("Traceback (most recent call last)")
    assert "a bug, not a setting" in errors[0]
