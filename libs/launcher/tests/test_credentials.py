"""The generated secrets file: private, stable across runs, one secret per service."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from runnerly_launcher.credentials import load_or_create
from runnerly_launcher.errors import CredentialsError


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_first_run_writes_a_private_file_in_a_private_folder(tmp_path: Path) -> None:
    """On first use the secrets file is created with mode 0600 in a folder created with 0700."""
    path = tmp_path / "var" / "secrets.json"
    load_or_create(path, ["tokendealer", "alpha"])

    assert _mode(path) == 0o600
    assert _mode(path.parent) == 0o700
    assert [p.name for p in path.parent.iterdir()] == ["secrets.json"]  # no temporary file left


def test_each_service_gets_its_own_random_secret(tmp_path: Path) -> None:
    """Every service has a distinct, long random secret, and the key-encryption secret is yet
    another one."""
    credentials = load_or_create(tmp_path / "secrets.json", ["tokendealer", "alpha", "beta"])

    values = [*credentials.client_secrets.values(), credentials.key_encryption_secret]
    assert sorted(credentials.client_secrets) == ["alpha", "beta", "tokendealer"]
    assert len(set(values)) == 4
    assert all(len(value) >= 32 for value in values)


def test_secrets_are_stable_across_runs(tmp_path: Path) -> None:
    """A second run reads the same secrets back instead of generating new ones."""
    path = tmp_path / "secrets.json"
    first = load_or_create(path, ["tokendealer", "alpha"])
    second = load_or_create(path, ["tokendealer", "alpha"])

    assert second == first


def test_a_service_installed_later_gets_a_secret_and_the_others_keep_theirs(tmp_path: Path) -> None:
    """Adding a service adds its secret to the file without changing existing ones."""
    path = tmp_path / "secrets.json"
    before = load_or_create(path, ["tokendealer"])
    after = load_or_create(path, ["tokendealer", "alpha"])

    assert after.client_secrets["tokendealer"] == before.client_secrets["tokendealer"]
    assert after.key_encryption_secret == before.key_encryption_secret
    assert "alpha" in json.loads(path.read_text())["clients"]
    assert _mode(path) == 0o600


def test_a_loosened_file_is_made_private_again(tmp_path: Path) -> None:
    """A secrets file that became readable by others (a copy, an editor) is reset to 0600."""
    path = tmp_path / "secrets.json"
    load_or_create(path, ["alpha"])
    path.chmod(0o644)
    load_or_create(path, ["alpha"])

    assert _mode(path) == 0o600


@pytest.mark.parametrize(
    "content",
    [
        "not json",
        "[]",
        '{"clients": {}}',
        '{"clients": {"a": ""}, "key_encryption_secret": "k"}',
    ],
)
def test_an_unusable_file_is_refused_not_overwritten(tmp_path: Path, content: str) -> None:
    """A damaged secrets file stops the launcher with its path; it is not silently replaced,
    which would change every secret."""
    path = tmp_path / "secrets.json"
    path.write_text(content)
    with pytest.raises(CredentialsError, match=r"secrets\.json"):
        load_or_create(path, ["alpha"])
    assert path.read_text() == content


def test_the_secrets_never_show_in_their_repr(tmp_path: Path) -> None:
    """Printing or logging the credentials object shows service names, never a secret."""
    credentials = load_or_create(tmp_path / "secrets.json", ["alpha"])
    shown = repr(credentials)

    assert "alpha" in shown
    assert credentials.client_secrets["alpha"] not in shown
    assert credentials.key_encryption_secret not in shown


def test_a_services_generated_secrets_are_made_once_and_kept(tmp_path: Path) -> None:
    """A manifest's ``generated_secrets`` get a random value each, stable across runs."""
    path = tmp_path / "secrets.json"
    first = load_or_create(path, ["strava"], [("strava", "TOKEN_ENCRYPTION_KEY")])
    second = load_or_create(
        path, ["strava"], [("strava", "TOKEN_ENCRYPTION_KEY"), ("strava", "WEBHOOK_VERIFY_TOKEN")]
    )

    key = first.service_secret("strava", "TOKEN_ENCRYPTION_KEY")
    assert len(key) >= 40
    assert second.service_secret("strava", "TOKEN_ENCRYPTION_KEY") == key
    assert second.service_secret("strava", "WEBHOOK_VERIFY_TOKEN") not in {key, ""}
    assert key not in repr(second)
    assert _mode(path) == 0o600
