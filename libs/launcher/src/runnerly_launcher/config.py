"""The launcher's configuration: data folder, ports and URLs, read from ``RUNNERLY_*`` variables.

Every value has a default that works on a laptop; every default can be changed:

=================================  =====================================================
``RUNNERLY_DATA_DIR``              data folder (default ``./var``)
``RUNNERLY_NATS_PORT``             port of the embedded broker (default 8790)
``RUNNERLY_NATS_URL``              an external broker; when set, none is started
``RUNNERLY_SMTP_PORT``             port of the local SMTP sink (default 8725)
``RUNNERLY_SMTP_URL``              an external SMTP server (``smtp://host:port``); no sink then
``RUNNERLY_<SERVICE>_PORT``        a service's port (default: its manifest's port)
``RUNNERLY_LOG_JSON``              JSON logs instead of readable ones (default false)
``RUNNERLY_SHUTDOWN_GRACE_SECONDS``  a service's grace period to stop (default 30)
``RUNNERLY_READY_TIMEOUT_SECONDS``   how long ``up`` waits for ``/readyz`` (default 60)
=================================  =====================================================

A service's own ``<PREFIX>PORT`` (``TOKENDEALER_PORT``) is honoured too, so the
launcher always probes the port the service really listens on.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from importlib.metadata import entry_points
from pathlib import Path
from urllib.parse import urlsplit

from runnerly_kit.manifest import ENTRY_POINT_GROUP, ServiceManifest
from runnerly_launcher.errors import ConfigError

#: Everything the launcher starts listens on loopback only.
HOST = "127.0.0.1"
#: The service that issues tokens; it alone receives the clients list and the key secret.
TOKEN_DEALER = "tokendealer"  # noqa: S105  # a service name, not a secret
# The kit's defaults (runnerly_kit.settings), repeated rather than imported: the
# settings module brings pydantic, the biggest import a long-running launcher would
# carry. A test keeps the two equal.
#: The embedded broker's default port.
EMBEDDED_NATS_PORT = 8790
#: The token dealer's default port.
TOKENDEALER_PORT = 8701
#: The local SMTP sink's default port (not 25, 465 or 587: nothing standard is bound).
SMTP_SINK_PORT = 8725
#: Port of an external SMTP server named in ``RUNNERLY_SMTP_URL`` without one.
SMTP_DEFAULT_PORT = 25

#: How long a service may take to stop (interfaces: the kit's default, 30 s).
DEFAULT_SHUTDOWN_GRACE_SECONDS = 30
#: What the launcher adds to a service's grace before it kills it: the outbox flush and
#: closing connections come after uvicorn's own graceful shutdown.
STOP_MARGIN_SECONDS = 15

_TRUE = frozenset({"1", "true", "yes", "on"})
_FALSE = frozenset({"0", "false", "no", "off", ""})


@dataclass(frozen=True, slots=True)
class ServiceEndpoint:
    """A service and the port it listens on."""

    manifest: ServiceManifest
    port: int

    @property
    def name(self) -> str:
        """The service's name, e.g. ``tokendealer``."""
        return self.manifest.name

    @property
    def url(self) -> str:
        """Its base URL, e.g. ``http://127.0.0.1:8701``."""
        return f"http://{HOST}:{self.port}"


@dataclass(frozen=True, slots=True)
class LauncherConfig:
    """Where everything lives and listens. Build it with :func:`load_config`."""

    data_dir: Path
    nats_port: int
    #: An operator's broker; ``None`` means the launcher runs its own.
    external_nats_url: str | None
    log_json: bool
    #: A service's grace to stop; the launcher waits this plus STOP_MARGIN_SECONDS for it.
    shutdown_grace_seconds: int
    ready_timeout_seconds: float
    #: Every installed service, in start order.
    services: tuple[ServiceEndpoint, ...]
    #: The local SMTP sink's port (unused when an external SMTP server is named).
    smtp_sink_port: int = SMTP_SINK_PORT
    #: An operator's SMTP server, ``(host, port)``; ``None`` means the launcher runs its sink.
    external_smtp: tuple[str, int] | None = None

    @property
    def starts_mail_sink(self) -> bool:
        """True unless ``RUNNERLY_SMTP_URL`` names an SMTP server run by someone else."""
        return self.external_smtp is None

    @property
    def smtp_address(self) -> tuple[str, int]:
        """Where services that send mail deliver it: the sink, or the external server."""
        return self.external_smtp or (HOST, self.smtp_sink_port)

    @property
    def smtp_url(self) -> str:
        """The same, as ``smtp://host:port``, fit for printing."""
        host, port = self.smtp_address
        return f"smtp://{host}:{port}"

    @property
    def mail_dir(self) -> Path:
        """Where the sink keeps each message it catches, as an ``.eml`` file."""
        return self.data_dir / "mail"

    @property
    def starts_broker(self) -> bool:
        """True unless ``RUNNERLY_NATS_URL`` points at a broker run by someone else."""
        return self.external_nats_url is None

    @property
    def nats_url(self) -> str:
        """The broker every service connects to."""
        return self.external_nats_url or f"nats://{HOST}:{self.nats_port}"

    @property
    def nats_store_dir(self) -> Path:
        """The embedded broker's JetStream store."""
        return self.data_dir / "nats"

    @property
    def secrets_file(self) -> Path:
        """Generated client secrets and the token dealer's key-encryption secret."""
        return self.data_dir / "secrets.json"

    @property
    def tokendealer_url(self) -> str:
        """Where services fetch tokens and the JWKS, even when the token dealer is not selected."""
        for endpoint in self.services:
            if endpoint.name == TOKEN_DEALER:
                return endpoint.url
        return f"http://{HOST}:{TOKENDEALER_PORT}"

    def select(self, names: Sequence[str]) -> tuple[ServiceEndpoint, ...]:
        """The named services (all of them when ``names`` is empty), in start order."""
        known = {endpoint.name for endpoint in self.services}
        unknown = [name for name in names if name not in known]
        if unknown:
            installed = ", ".join(sorted(known)) or "none"
            raise ConfigError(f"unknown service {', '.join(unknown)}; installed: {installed}")
        return tuple(e for e in self.services if not names or e.name in names)


def port_variable(service: str) -> str:
    """The variable that sets a service's port: ``RUNNERLY_TOKENDEALER_PORT``."""
    return f"RUNNERLY_{re.sub(r'[^A-Z0-9]', '_', service.upper())}_PORT"


def load_config(
    manifests: Iterable[ServiceManifest], environ: Mapping[str, str], *, cwd: Path | None = None
) -> LauncherConfig:
    """Read the launcher's configuration; raise :class:`ConfigError` naming a bad variable."""
    external = environ.get("RUNNERLY_NATS_URL") or None
    config = LauncherConfig(
        data_dir=data_dir(environ, cwd=cwd),
        nats_port=_port(environ, "RUNNERLY_NATS_PORT", EMBEDDED_NATS_PORT),
        external_nats_url=external,
        log_json=_flag(environ, "RUNNERLY_LOG_JSON", default=False),
        shutdown_grace_seconds=int(
            _number(environ, "RUNNERLY_SHUTDOWN_GRACE_SECONDS", DEFAULT_SHUTDOWN_GRACE_SECONDS)
        ),
        ready_timeout_seconds=_number(environ, "RUNNERLY_READY_TIMEOUT_SECONDS", 60),
        services=tuple(_endpoint(m, environ) for m in manifests),
        smtp_sink_port=_port(environ, "RUNNERLY_SMTP_PORT", SMTP_SINK_PORT),
        external_smtp=_smtp_server(environ),
    )
    _refuse_shared_ports(config)
    return config


def data_dir(environ: Mapping[str, str], *, cwd: Path | None = None) -> Path:
    """The data folder: ``RUNNERLY_DATA_DIR``, relative to ``cwd``; ``./var`` by default."""
    path = Path(environ.get("RUNNERLY_DATA_DIR") or "var")
    return path if path.is_absolute() else (cwd or Path.cwd()) / path


def _smtp_server(environ: Mapping[str, str]) -> tuple[str, int] | None:
    raw = environ.get("RUNNERLY_SMTP_URL")
    if not raw:
        return None
    invalid = ConfigError(f"RUNNERLY_SMTP_URL={raw!r} is not an SMTP URL (smtp://host:port)")
    try:
        split = urlsplit(raw)
        host, port = split.hostname, split.port or SMTP_DEFAULT_PORT
    except ValueError:  # a port that is not a number, or out of range
        raise invalid from None
    if split.scheme != "smtp" or not host:
        raise invalid
    if split.username or split.password:
        # Credentials are the mail-sending service's own settings, never the launcher's.
        raise ConfigError(
            "RUNNERLY_SMTP_URL must not hold a user name or password; "
            "set them in the settings of the service that sends mail"
        )
    return host, port


def _endpoint(manifest: ServiceManifest, environ: Mapping[str, str]) -> ServiceEndpoint:
    own = _port(environ, f"{manifest.env_prefix}PORT", manifest.default_port)
    return ServiceEndpoint(manifest, _port(environ, port_variable(manifest.name), own))


def _refuse_shared_ports(config: LauncherConfig) -> None:
    owners: dict[int, str] = {}
    if config.starts_broker:
        owners[config.nats_port] = "the broker (RUNNERLY_NATS_PORT)"
    if config.starts_mail_sink:
        if config.smtp_sink_port in owners:
            other = owners[config.smtp_sink_port]
            raise ConfigError(
                f"port {config.smtp_sink_port} is given to both {other} "
                "and the mail sink (RUNNERLY_SMTP_PORT)"
            )
        owners[config.smtp_sink_port] = "the mail sink (RUNNERLY_SMTP_PORT)"
    for endpoint in config.services:
        owner = f"{endpoint.name} ({port_variable(endpoint.name)})"
        if endpoint.port in owners:
            other = owners[endpoint.port]
            raise ConfigError(f"port {endpoint.port} is given to both {other} and {owner}")
        owners[endpoint.port] = owner


def _port(environ: Mapping[str, str], variable: str, default: int) -> int:
    raw = environ.get(variable)
    if not raw:
        return default
    try:
        port = int(raw)
    except ValueError:
        port = 0
    if not 0 < port < 65536:
        raise ConfigError(f"{variable}={raw!r} is not a TCP port (1-65535)")
    return port


def _number(environ: Mapping[str, str], variable: str, default: float) -> float:
    raw = environ.get(variable)
    if not raw:
        return default
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not math.isfinite(value) or value < 0:
        raise ConfigError(f"{variable}={raw!r} is not a number of seconds")
    return value


def _flag(environ: Mapping[str, str], variable: str, *, default: bool) -> bool:
    raw = environ.get(variable)
    if raw is None:
        return default
    if raw.strip().lower() in _TRUE:
        return True
    if raw.strip().lower() in _FALSE:
        return False
    raise ConfigError(f"{variable}={raw!r} is not a boolean (true/false)")


@dataclass(frozen=True, slots=True)
class Discovery:
    """The installed services: those whose manifest loads, and those whose manifest does not."""

    manifests: tuple[ServiceManifest, ...]
    #: Entry-point name -> why its manifest could not be loaded.
    broken: Mapping[str, str]


def discover_services() -> Discovery:
    """Every service in the ``runnerly.services`` entry points, in start order.

    Unlike :func:`runnerly_kit.manifest.discover`, one service whose package is
    broken or half installed does not stop the others from being listed: the
    command decides whether that matters (``runnerly up`` of everything refuses).
    """
    manifests: list[ServiceManifest] = []
    broken: dict[str, str] = {}
    for entry_point in entry_points(group=ENTRY_POINT_GROUP):
        try:
            manifest = entry_point.load()
        except Exception as exc:  # any error of a service's import is reported, by name
            broken[entry_point.name] = f"{type(exc).__name__}: {exc}"
            continue
        if isinstance(manifest, ServiceManifest):
            manifests.append(manifest)
        else:
            broken[entry_point.name] = f"{entry_point.value} is not a ServiceManifest"
    manifests.sort(key=lambda m: (m.start_order, m.name))
    return Discovery(tuple(manifests), broken)
