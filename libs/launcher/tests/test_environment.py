"""What each service process is given: its settings, its own secret only, and its command."""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest

from runnerly_kit.manifest import ServiceManifest
from runnerly_launcher.config import LauncherConfig, load_config
from runnerly_launcher.credentials import Credentials, load_or_create
from runnerly_launcher.environment import (
    DEVELOPMENT,
    clients_json,
    service_command,
    service_environment,
)

Manifests = tuple[ServiceManifest, ServiceManifest]
System = tuple[LauncherConfig, Credentials]

TOKENDEALER = ServiceManifest(
    name="tokendealer",
    app_factory="runnerly_tokendealer.main:create_app",
    env_prefix="TOKENDEALER_",
    default_port=8701,
    start_order=0,
)


ENVIRON = {
    "RUNNERLY_NATS_PORT": "18790",
    "RUNNERLY_SMTP_PORT": "18725",
    "RUNNERLY_TOKENDEALER_PORT": "18701",
    "RUNNERLY_ALPHA_PORT": "18771",
    "RUNNERLY_BETA_PORT": "18772",
    "RUNNERLY_COURIER_PORT": "18773",
}


def _system(manifests: list[ServiceManifest], tmp_path: Path, **environ: str) -> System:
    config = load_config(
        manifests, {**ENVIRON, "RUNNERLY_DATA_DIR": str(tmp_path / "var"), **environ}
    )
    credentials = load_or_create(config.secrets_file, [e.name for e in config.services])
    return config, credentials


@pytest.fixture
def system(fake_manifests: Manifests, courier_manifest: ServiceManifest, tmp_path: Path) -> System:
    alpha, beta = fake_manifests
    return _system([TOKENDEALER, alpha, beta, courier_manifest], tmp_path)


def _environment(
    system: System, name: str, environ: dict[str, str] | None = None
) -> dict[str, str]:
    config, credentials = system
    (endpoint,) = config.select([name])
    return service_environment(endpoint, config, credentials, environ or {})


def test_a_service_is_told_where_everything_is(system: System, tmp_path: Path) -> None:
    """A service gets its port, its SQLite database under the data folder, the broker, the
    token dealer, its client id and secret, development mode and readable logs."""
    _, credentials = system
    env = _environment(system, "alpha")

    assert env["ALPHA_PORT"] == "18771"
    assert env["ALPHA_HOST"] == "127.0.0.1"
    assert env["ALPHA_DATA_DIR"] == str(tmp_path / "var")
    database = tmp_path / "var" / "alpha" / "alpha.db"
    assert env["ALPHA_DATABASE_URL"] == f"sqlite+aiosqlite:///{database}"
    assert env["ALPHA_NATS_URL"] == "nats://127.0.0.1:18790"
    assert env["ALPHA_TOKENDEALER_URL"] == "http://127.0.0.1:18701"
    assert env["ALPHA_CLIENT_ID"] == "alpha"
    assert env["ALPHA_CLIENT_SECRET"] == credentials.client_secrets["alpha"]
    assert env["ALPHA_ENVIRONMENT"] == "development"
    assert env["ALPHA_LOG_JSON"] == "false"


def test_no_service_sees_another_services_secret(system: System) -> None:
    """A service's environment holds its own client secret and no other: neither a peer's
    client secret nor the token dealer's key-encryption secret."""
    _, credentials = system
    for name in ("alpha", "beta"):
        values = set(_environment(system, name).values())
        others = {s for n, s in credentials.client_secrets.items() if n != name}
        assert credentials.client_secrets[name] in values
        assert not values & others
        assert credentials.key_encryption_secret not in values


def test_a_peers_variables_set_by_the_user_stay_with_that_peer(system: System) -> None:
    """Variables the user set for one service (``BETA_...``) are not passed to another,
    while general variables (PATH...) are passed to all."""
    environ = {"BETA_CLIENT_SECRET": "beta-secret-from-the-user", "PATH": "/usr/bin"}
    alpha_env = _environment(system, "alpha", environ)
    beta_env = _environment(system, "beta", environ)

    assert not any(name.startswith("BETA_") for name in alpha_env)
    assert alpha_env["PATH"] == "/usr/bin"
    assert beta_env["BETA_CLIENT_SECRET"] == "beta-secret-from-the-user"


def test_what_the_user_set_wins(system: System) -> None:
    """A variable already in the user's environment is passed as is, not replaced."""
    environ = {"ALPHA_LOG_JSON": "true", "ALPHA_DATABASE_URL": "postgresql+asyncpg://db/alpha"}
    env = _environment(system, "alpha", environ)

    assert env["ALPHA_LOG_JSON"] == "true"
    assert env["ALPHA_DATABASE_URL"] == "postgresql+asyncpg://db/alpha"


def test_the_token_dealer_gets_the_key_secret_and_every_clients_hash(system: System) -> None:
    """The token dealer alone gets the key-encryption secret and the list of clients: one per
    service, with the sha256 of its secret and its manifest's scopes, never the secret itself."""
    _, credentials = system
    env = _environment(system, "tokendealer")
    clients = json.loads(env["TOKENDEALER_CLIENTS"])

    assert env["TOKENDEALER_KEY_ENCRYPTION_SECRET"] == credentials.key_encryption_secret
    assert [c["client_id"] for c in clients] == ["tokendealer", "alpha", "beta", "courier"]
    for client in clients:
        secret = credentials.client_secrets[client["client_id"]]
        assert client["secret_hash"] == "sha256:" + hashlib.sha256(secret.encode()).hexdigest()
        assert secret not in env["TOKENDEALER_CLIENTS"]
    assert clients[1]["scopes"] == ["beta:read"]
    assert "TOKENDEALER_CLIENTS" not in _environment(system, "alpha")


def test_the_clients_list_uses_the_secret_a_user_set(system: System) -> None:
    """When the user sets a service's client secret, the token dealer is given its hash, so the
    service can still get tokens."""
    config, credentials = system
    environ = {"ALPHA_CLIENT_SECRET": "a-secret-the-operator-chose", "ALPHA_CLIENT_ID": "alpha-1"}
    clients = json.loads(clients_json(config, credentials, environ))
    alpha = next(c for c in clients if c["client_id"] == "alpha-1")

    digest = hashlib.sha256(b"a-secret-the-operator-chose").hexdigest()
    assert alpha["secret_hash"] == f"sha256:{digest}"


def test_the_token_dealer_accepts_the_clients_list() -> None:
    """The clients list parses with the token dealer's own settings, and each service's secret
    matches its entry (the launcher and the token dealer agree on the format)."""
    settings_module = pytest.importorskip("runnerly_tokendealer.settings")
    config = load_config([TOKENDEALER], {})
    credentials = Credentials({"tokendealer": "s" * 43}, "k" * 43)
    env = service_environment(config.services[0], config, credentials, {})
    settings = settings_module.TokenDealerSettings(
        clients=json.loads(env["TOKENDEALER_CLIENTS"]),
        key_encryption_secret=env["TOKENDEALER_KEY_ENCRYPTION_SECRET"],
    )
    client = settings.client("tokendealer")

    assert client is not None
    assert client.secret_matches("s" * 43)


def test_a_service_runs_as_one_uvicorn_worker_of_its_app_factory(system: System) -> None:
    """The command is uvicorn itself (no shell) with --factory on the manifest's app factory,
    on the service's port, one worker, a graceful-shutdown timeout, no access log, run by
    this Python."""
    config, _ = system
    (alpha,) = config.select(["alpha"])
    argv = service_command(alpha, config)

    assert argv[:3] == [sys.executable, "-m", "uvicorn"]
    assert argv[argv.index("--factory") + 1] == "fake_runnerly.apps:create_alpha"
    assert argv[argv.index("--port") + 1] == "18771"
    assert argv[argv.index("--host") + 1] == "127.0.0.1"
    assert argv[argv.index("--workers") + 1] == "1"
    assert argv[argv.index("--timeout-graceful-shutdown") + 1] == str(config.shutdown_grace_seconds)
    assert "--no-access-log" in argv


def test_only_a_service_that_sends_mail_is_told_where_the_smtp_server_is(system: System) -> None:
    """A service whose manifest says ``sends_mail`` gets ``<PREFIX>SMTP_HOST`` and
    ``<PREFIX>SMTP_PORT`` pointing at the local sink; the others get no SMTP variable."""
    courier = _environment(system, "courier")

    assert courier["COURIER_SMTP_HOST"] == "127.0.0.1"
    assert courier["COURIER_SMTP_PORT"] == "18725"
    for name in ("alpha", "beta", "tokendealer"):
        assert not any("SMTP" in variable for variable in _environment(system, name))


def test_smtp_settings_the_user_set_win(system: System) -> None:
    """``COURIER_SMTP_HOST``/``PORT`` already in the user's environment are kept as they are."""
    environ = {"COURIER_SMTP_HOST": "mail.internal", "COURIER_SMTP_PORT": "2525"}
    courier = _environment(system, "courier", environ)

    assert (courier["COURIER_SMTP_HOST"], courier["COURIER_SMTP_PORT"]) == ("mail.internal", "2525")


def test_with_an_external_smtp_server_services_are_pointed_at_it(
    courier_manifest: ServiceManifest, tmp_path: Path
) -> None:
    """With RUNNERLY_SMTP_URL, no sink is started and a mail-sending service is given that
    server's host and port."""
    config, credentials = _system(
        [courier_manifest], tmp_path, RUNNERLY_SMTP_URL="smtp://relay.example.org:2587"
    )
    env = service_environment(config.services[0], config, credentials, {})

    assert not config.starts_mail_sink
    assert (env["COURIER_SMTP_HOST"], env["COURIER_SMTP_PORT"]) == ("relay.example.org", "2587")


def test_each_service_is_told_where_its_peers_are(system: System) -> None:
    """<PREFIX><PEER>_URL follows each peer's configured port, so a caller finds what it calls."""
    config, credentials = system
    tokendealer = next(e for e in config.services if e.name == "tokendealer")

    env = service_environment(tokendealer, config, credentials, {})

    assert env["TOKENDEALER_ALPHA_URL"] == "http://127.0.0.1:18771"
    assert env["TOKENDEALER_BETA_URL"] == "http://127.0.0.1:18772"
    assert "TOKENDEALER_TOKENDEALER_URL" in env  # its own issuer URL, set for every service


def test_a_service_gets_its_own_generated_secrets_only(
    fake_manifests: Manifests, tmp_path: Path
) -> None:
    """``generated_secrets`` reach their service as <PREFIX><NAME>, and no other service."""
    alpha, _beta = fake_manifests
    vault = ServiceManifest(
        name="vault",
        app_factory="vault:create_app",
        env_prefix="VAULT_",
        default_port=8779,
        generated_secrets=("TOKEN_ENCRYPTION_KEY",),
    )
    config = load_config(
        [TOKENDEALER, alpha, vault],
        {**ENVIRON, "RUNNERLY_VAULT_PORT": "18779", "RUNNERLY_DATA_DIR": str(tmp_path / "var")},
    )
    credentials = load_or_create(
        config.secrets_file, [e.name for e in config.services], [("vault", "TOKEN_ENCRYPTION_KEY")]
    )
    key = credentials.service_secret("vault", "TOKEN_ENCRYPTION_KEY")

    def env_of(name: str) -> dict[str, str]:
        [endpoint] = config.select([name])
        return service_environment(endpoint, config, credentials, {})

    assert env_of("vault")["VAULT_TOKEN_ENCRYPTION_KEY"] == key
    assert key not in env_of("alpha").values()
    assert key not in env_of("tokendealer").values()


def test_the_login_commands_client_may_use_the_password_grant_only_for_runners_and_admins(
    fake_manifests: Manifests, tmp_path: Path
) -> None:
    """``runnerly login``'s client: the password grant, scopes runner and admin, hash only."""
    alpha, _beta = fake_manifests
    config = load_config(
        [TOKENDEALER, alpha], {**ENVIRON, "RUNNERLY_DATA_DIR": str(tmp_path / "var")}
    )
    credentials = load_or_create(config.secrets_file, ["tokendealer", "alpha", "runnerly-cli"])

    clients = {c["client_id"]: c for c in json.loads(clients_json(config, credentials, {}))}

    cli = clients["runnerly-cli"]
    assert cli["grant_types"] == ["password", "refresh_token"]
    assert cli["scopes"] == ["runner", "admin"]
    secret = credentials.client_secrets["runnerly-cli"]
    assert cli["secret_hash"] == "sha256:" + hashlib.sha256(secret.encode()).hexdigest()
    assert clients["alpha"]["grant_types"] == ["client_credentials"]  # its manifest's default


def test_a_service_is_registered_with_the_grants_its_manifest_names(tmp_path: Path) -> None:
    """A service whose manifest names more grants (the dashboard logs runners in) gets them at
    the token dealer; the others get the client-credentials grant only."""
    dashboard = ServiceManifest(
        name="dashboard",
        app_factory="runnerly_dashboard.main:create_app",
        env_prefix="DASHBOARD_",
        default_port=8700,
        client_scopes=("runner",),
        grant_types=("password", "refresh_token"),
    )
    config, credentials = _system([TOKENDEALER, dashboard], tmp_path)

    clients = {c["client_id"]: c for c in json.loads(clients_json(config, credentials, {}))}

    assert clients["dashboard"]["grant_types"] == ["password", "refresh_token"]
    assert clients["dashboard"]["scopes"] == ["runner"]
    assert clients["tokendealer"]["grant_types"] == ["client_credentials"]


def test_a_peer_is_told_where_a_route_of_another_service_is(tmp_path: Path) -> None:
    """A manifest's ``peer_urls`` reach the named peer's environment as its own variable (the
    dashboard's Strava callback becomes STRAVA_REDIRECT_URL); other services get nothing."""
    dashboard = ServiceManifest(
        name="dashboard",
        app_factory="runnerly_dashboard.main:create_app",
        env_prefix="DASHBOARD_",
        default_port=8700,
        peer_urls=(("strava", "REDIRECT_URL", "/bff/v1/strava/callback"),),
    )
    strava = ServiceManifest(
        name="strava",
        app_factory="runnerly_strava.main:create_app",
        env_prefix="STRAVA_",
        default_port=8704,
    )
    system = _system(
        [TOKENDEALER, dashboard, strava],
        tmp_path,
        RUNNERLY_DASHBOARD_PORT="18700",
        RUNNERLY_STRAVA_PORT="18704",
    )

    env = _environment(system, "strava")

    assert env["STRAVA_REDIRECT_URL"] == "http://127.0.0.1:18700/bff/v1/strava/callback"
    assert not any(key.endswith("REDIRECT_URL") for key in _environment(system, "dashboard"))
    operator = _environment(system, "strava", {"STRAVA_REDIRECT_URL": "https://r.example/cb"})
    assert operator["STRAVA_REDIRECT_URL"] == "https://r.example/cb"


def test_one_grace_is_given_to_uvicorn_and_to_the_service(system: System) -> None:
    """RUNNERLY_SHUTDOWN_GRACE_SECONDS (30 s by default) is both uvicorn's graceful-shutdown
    timeout and the service's own ``<PREFIX>SHUTDOWN_GRACE_SECONDS``."""
    config, _ = system
    (alpha,) = config.select(["alpha"])
    argv = service_command(alpha, config)

    assert config.shutdown_grace_seconds == 30
    assert argv[argv.index("--timeout-graceful-shutdown") + 1] == "30"
    assert _environment(system, "alpha")["ALPHA_SHUTDOWN_GRACE_SECONDS"] == "30"


def test_the_launchers_copies_of_kit_defaults_match_the_kit() -> None:
    """The values the launcher repeats instead of importing the kit's settings module
    (which loads pydantic) are the kit's own."""
    from runnerly_kit import settings
    from runnerly_launcher import config

    assert config.EMBEDDED_NATS_PORT == settings.EMBEDDED_NATS_PORT
    assert config.TOKENDEALER_PORT == settings.TOKENDEALER_PORT
    assert settings.Environment(DEVELOPMENT) is settings.Environment.development
    manifest = pytest.importorskip("runnerly_tokendealer.manifest")
    assert manifest.MANIFEST.default_port == settings.TOKENDEALER_PORT
