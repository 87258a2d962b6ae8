"""What each service process is given: its environment variables and its command line.

A service reads its settings from variables with its own prefix
(``TOKENDEALER_PORT``...). The launcher fills in what it knows (port, database,
broker, token dealer, the service's own client secret, the SMTP server for a
service that sends mail) and anything the user already set wins. A service's
environment never holds another service's variables: no service can read a
peer's client secret.
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Mapping

from runnerly_launcher.config import HOST, TOKEN_DEALER, LauncherConfig, ServiceEndpoint
from runnerly_launcher.credentials import Credentials
from runnerly_launcher.login import CLI_CLIENT_ID, cli_client

#: ``runnerly_kit.settings.Environment.development``: on one machine every service runs
#: in development mode (the settings module is not imported, see config.py).
DEVELOPMENT = "development"


def database_url(
    endpoint: ServiceEndpoint, config: LauncherConfig, environ: Mapping[str, str]
) -> str:
    """The user's ``<PREFIX>DATABASE_URL``, else an SQLite file under the data folder."""
    configured = environ.get(f"{endpoint.manifest.env_prefix}DATABASE_URL")
    if configured:
        return configured
    name = endpoint.name
    return f"sqlite+aiosqlite:///{config.data_dir / name / f'{name}.db'}"


def client_id(endpoint: ServiceEndpoint, environ: Mapping[str, str]) -> str:
    """The OAuth2 client id the service presents: its name unless the user set one."""
    return environ.get(f"{endpoint.manifest.env_prefix}CLIENT_ID") or endpoint.name


def client_secret(
    endpoint: ServiceEndpoint, credentials: Credentials, environ: Mapping[str, str]
) -> str:
    """The service's client secret: the user's, else the generated one."""
    configured = environ.get(f"{endpoint.manifest.env_prefix}CLIENT_SECRET")
    return configured or credentials.client_secrets[endpoint.name]


def clients_json(
    config: LauncherConfig, credentials: Credentials, environ: Mapping[str, str]
) -> str:
    """The token dealer's ``CLIENTS``: every service's client id, secret hash, scopes and
    grants (its manifest's), and the ``runnerly login`` command's client (password grant)."""
    clients = [
        {
            "client_id": client_id(endpoint, environ),
            "secret_hash": _hash(client_secret(endpoint, credentials, environ)),
            "scopes": list(endpoint.manifest.client_scopes),
            "grant_types": list(endpoint.manifest.grant_types),
        }
        for endpoint in config.services
    ]
    cli_secret = credentials.client_secrets.get(CLI_CLIENT_ID)
    if cli_secret is not None:
        clients.append(cli_client(_hash(cli_secret)))
    return json.dumps(clients)


def _hash(secret: str) -> str:
    return "sha256:" + hashlib.sha256(secret.encode()).hexdigest()


def service_environment(
    endpoint: ServiceEndpoint,
    config: LauncherConfig,
    credentials: Credentials,
    environ: Mapping[str, str],
) -> dict[str, str]:
    """The full environment of one service's process."""
    prefix = endpoint.manifest.env_prefix
    ours = {
        f"{prefix}ENVIRONMENT": DEVELOPMENT,
        f"{prefix}HOST": HOST,
        f"{prefix}PORT": str(endpoint.port),
        f"{prefix}DATA_DIR": str(config.data_dir),
        f"{prefix}DATABASE_URL": database_url(endpoint, config, environ),
        f"{prefix}NATS_URL": config.nats_url,
        f"{prefix}TOKENDEALER_URL": config.tokendealer_url,
        f"{prefix}CLIENT_ID": client_id(endpoint, environ),
        f"{prefix}CLIENT_SECRET": client_secret(endpoint, credentials, environ),
        f"{prefix}LOG_JSON": "true" if config.log_json else "false",
        # One grace for both ends: uvicorn's and the kit's own (the outbox flush).
        f"{prefix}SHUTDOWN_GRACE_SECONDS": str(config.shutdown_grace_seconds),
        # Logs go through a pipe to the launcher; unbuffered, they show up as they happen.
        "PYTHONUNBUFFERED": "1",
    }
    # Where each peer is, as <PREFIX><PEER>_URL (TOKENDEALER_USERS_URL...): a
    # service's settings read the peers it calls, so moving a port moves both ends.
    for peer in config.services:
        if peer.name != endpoint.name:
            ours[f"{prefix}{peer.name.upper().replace('-', '_')}_URL"] = peer.url
    # Routes of other services this one must know (the dashboard's Strava callback).
    for service in config.services:
        for target, variable, path in service.manifest.peer_urls:
            if target == endpoint.name and service.name != endpoint.name:
                ours[f"{prefix}{variable}"] = f"{service.url.rstrip('/')}{path}"
    if endpoint.manifest.sends_mail:
        smtp_host, smtp_port = config.smtp_address
        ours[f"{prefix}SMTP_HOST"] = smtp_host
        ours[f"{prefix}SMTP_PORT"] = str(smtp_port)
    for name in endpoint.manifest.generated_secrets:
        ours[f"{prefix}{name}"] = credentials.service_secret(endpoint.name, name)
    if endpoint.name == TOKEN_DEALER:
        ours[f"{prefix}KEY_ENCRYPTION_SECRET"] = credentials.key_encryption_secret
        ours[f"{prefix}CLIENTS"] = clients_json(config, credentials, environ)
    others = tuple(
        other for e in config.services if (other := e.manifest.env_prefix) and other != prefix
    )
    inherited = {
        key: value
        for key, value in environ.items()
        if key.startswith(prefix) or not key.startswith(others)
    }
    return {**ours, **inherited}


def service_command(endpoint: ServiceEndpoint, config: LauncherConfig) -> list[str]:
    """The service's argv, run as is (no shell): uvicorn, one worker, the app factory,
    no access log."""
    return [
        sys.executable, "-m", "uvicorn",
        "--factory", endpoint.manifest.app_factory,
        "--host", HOST,
        "--port", str(endpoint.port),
        "--workers", "1",
        # "on", not uvicorn's "auto": a failing start-up must stop the process,
        # not leave it serving without its database and broker.
        "--lifespan", "on",
        "--timeout-graceful-shutdown", str(config.shutdown_grace_seconds),
        # The kit's middleware logs each request once, with its request id.
        "--no-access-log",
    ]  # fmt: skip
