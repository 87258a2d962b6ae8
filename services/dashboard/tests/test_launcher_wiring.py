"""How `runnerly up` wires the dashboard: its client's grants, its secret, Strava's redirect."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from runnerly_dashboard.manifest import MANIFEST
from runnerly_dashboard.settings import DashboardSettings
from runnerly_launcher.config import load_config
from runnerly_launcher.credentials import load_or_create
from runnerly_launcher.environment import service_environment
from runnerly_strava.manifest import MANIFEST as STRAVA
from runnerly_strava.settings import StravaSettings
from runnerly_tokendealer.manifest import MANIFEST as TOKENDEALER
from runnerly_tokendealer.settings import TokenDealerSettings
from runnerly_users.manifest import MANIFEST as USERS


def test_runnerly_up_gives_each_service_what_the_dashboard_needs(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The token dealer registers the dashboard's client with the password and refresh grants
    and the runner scope; the dashboard gets its generated session key and its peers; strava
    sends Strava's browser back to the dashboard's callback. Each service's settings read
    what it is given."""
    environ = {
        "RUNNERLY_DATA_DIR": str(tmp_path / "var"),
        **{f"RUNNERLY_{m.name.upper()}_PORT": str(18700 + i) for i, m in enumerate(
            (MANIFEST, TOKENDEALER, USERS, STRAVA)
        )},
    }  # fmt: skip
    config = load_config([TOKENDEALER, USERS, STRAVA, MANIFEST], environ)
    credentials = load_or_create(
        config.secrets_file,
        [e.name for e in config.services],
        [(e.name, name) for e in config.services for name in e.manifest.generated_secrets],
    )
    envs = {
        endpoint.name: service_environment(endpoint, config, credentials, {})
        for endpoint in config.services
    }

    clients = {c["client_id"]: c for c in json.loads(envs["tokendealer"]["TOKENDEALER_CLIENTS"])}
    assert clients["dashboard"]["grant_types"] == ["password", "refresh_token"]
    assert clients["dashboard"]["scopes"] == ["runner"]
    for name, value in envs["tokendealer"].items():
        monkeypatch.setenv(name, value)
    assert TokenDealerSettings().client("dashboard") is not None

    for name, value in envs["dashboard"].items():
        monkeypatch.setenv(name, value)
    dashboard = DashboardSettings()
    assert dashboard.session_encryption_key.get_secret_value()
    assert dashboard.public_url == "http://127.0.0.1:18700"
    assert dashboard.users_url == "http://127.0.0.1:18702"
    assert dashboard.export_urls["strava"] == "http://127.0.0.1:18703"

    for name, value in envs["strava"].items():
        monkeypatch.setenv(name, value)
    assert StravaSettings().redirect_uri == "http://127.0.0.1:18700/bff/v1/strava/callback"
