"""The dashboard's pure rules: trusted origins, the CSRF verdict, where export files go."""

from __future__ import annotations

import pytest

from runnerly_dashboard.export import zipping
from runnerly_dashboard.sessions import csrf
from runnerly_dashboard.settings import DashboardSettings
from runnerly_kit.settings import Environment

KEY = "dashboard-session-encryption-key-for-tests-0123456789"
TOKEN = "t" * 43


def _settings(**values: object) -> DashboardSettings:
    return DashboardSettings(session_encryption_key=KEY, export_services=(), **values)  # type: ignore[arg-type]


def test_in_development_the_other_loopback_names_of_the_public_port_are_trusted() -> None:
    """On one machine the app may be opened as localhost or 127.0.0.1: both are the dashboard
    (same port only); outside development only the public origin and the configured ones."""
    local = _settings(public_url="http://127.0.0.1:8700")
    deployed = _settings(
        environment=Environment.production,
        client_secret="x8Jq2mV7pL0sZ4rT9wK1yN6bC3dF5gH",
        public_url="https://runnerly.example/",
        allowed_origins="https://staging.runnerly.example",
    )

    assert {"http://localhost:8700", "http://127.0.0.1:8700"} <= local.trusted_origins
    assert "http://localhost:5173" not in local.trusted_origins
    assert deployed.trusted_origins == {
        "https://runnerly.example",
        "https://staging.runnerly.example",
    }
    assert local.cookie_name == "runnerly_session"
    assert _settings(port=18700).public_url == "http://127.0.0.1:18700"
    assert deployed.cookie_name == "__Host-runnerly_session"


def test_an_export_service_without_a_url_is_refused_at_start_up(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """DASHBOARD_EXPORT_SERVICES naming a service whose DASHBOARD_<NAME>_URL is unset stops
    the start naming the variable; one that is set (as `runnerly up` sets them) is used."""
    monkeypatch.delenv("DASHBOARD_RACES_URL", raising=False)
    with pytest.raises(ValueError, match="DASHBOARD_RACES_URL"):
        DashboardSettings(session_encryption_key=KEY, export_services="users,races")
    monkeypatch.setenv("DASHBOARD_RACES_URL", "http://127.0.0.1:8705")

    settings = DashboardSettings(session_encryption_key=KEY, export_services="users,races")

    assert settings.export_services == ("users", "races")
    assert settings.export_urls == {
        "users": settings.users_url,
        "races": "http://127.0.0.1:8705",
    }


@pytest.mark.parametrize(
    ("headers", "refused"),
    [
        ({"origin": "http://127.0.0.1:8700", "x-csrf-token": TOKEN}, False),
        ({"referer": "http://127.0.0.1:8700/settings", "x-csrf-token": TOKEN}, False),
        ({"origin": "http://127.0.0.1:8700"}, True),
        ({"origin": "http://127.0.0.1:8700", "x-csrf-token": "u" * 43}, True),
        ({"x-csrf-token": TOKEN}, True),
        ({"origin": "null", "x-csrf-token": TOKEN}, True),
        ({"origin": "http://127.0.0.1:8701", "x-csrf-token": TOKEN}, True),
        ({"referer": "https://evil.example/?http://127.0.0.1:8700", "x-csrf-token": TOKEN}, True),
    ],
)
def test_the_csrf_verdict(headers: dict[str, str], refused: bool) -> None:
    """Both the dashboard's origin (Origin, else Referer) and the session's token are needed."""
    verdict = csrf.refusal(headers, {"http://127.0.0.1:8700"}, TOKEN)

    assert (verdict is not None) is refused


def test_export_files_stay_inside_their_service_folder_with_unique_names() -> None:
    """A listed name cannot climb out of the service's folder, nor overwrite another file."""
    taken: set[str] = set()

    names = [
        zipping.file_name("runs", name, taken)
        for name in ("a.gpx", "../../etc/passwd", "/abs/b.gpx", "a.gpx", "..", "sub\\c.fit")
    ]

    assert names == [
        "runs/files/a.gpx",
        "runs/files/etc/passwd",
        "runs/files/abs/b.gpx",
        "runs/files/a-2.gpx",
        "runs/files/file",
        "runs/files/sub/c.fit",
    ]
    assert zipping.same_service_path("/v1/runs/1/file")
    assert not zipping.same_service_path("//evil.example/x")
    assert not zipping.same_service_path("https://evil.example/x")
