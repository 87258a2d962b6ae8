"""What the launcher needs to know about a service, without importing its app.

Each service publishes a :class:`ServiceManifest` under the ``runnerly.services``
entry-point group. The launcher discovers services through that group, so a new
service joins ``runnerly up`` by declaring its entry point and nothing else.
"""

from __future__ import annotations

from dataclasses import dataclass
from importlib.metadata import entry_points
from importlib.resources import files
from pathlib import Path

ENTRY_POINT_GROUP = "runnerly.services"


@dataclass(frozen=True, slots=True)
class ServiceManifest:
    """A service as the launcher sees it."""

    name: str
    #: ``module:callable`` returning the ASGI app (uvicorn's ``--factory`` form).
    app_factory: str
    #: Prefix of the service's environment variables, e.g. ``TOKENDEALER_``.
    env_prefix: str
    default_port: int
    #: The package holding ``migrations/``; empty for a service without a database.
    migrations_package: str = ""
    #: Order in which services start; lower first (the token dealer is 0).
    start_order: int = 100
    #: Scopes this service's own client may ask the token dealer for.
    client_scopes: tuple[str, ...] = ()
    #: OAuth2 grants the token dealer lets this service's client use. A service calls its
    #: peers in its own name (client credentials); the dashboard logs runners in
    #: (``password``) and keeps their sessions alive (``refresh_token``).
    grant_types: tuple[str, ...] = ("client_credentials",)
    #: It sends mail: the launcher gives it ``<PREFIX>SMTP_HOST`` and ``<PREFIX>SMTP_PORT``.
    sends_mail: bool = False
    #: Secrets the launcher generates once and passes as ``<PREFIX><NAME>`` (e.g. an
    #: encryption key); in production the operator sets them like any other secret.
    generated_secrets: tuple[str, ...] = ()
    #: Routes of this service a peer must know, as ``(peer, variable, path)``: the launcher
    #: gives the peer ``<PEER_PREFIX><VARIABLE>`` = this service's URL + ``path`` (the
    #: dashboard tells strava where Strava must send the browser back).
    peer_urls: tuple[tuple[str, str, str], ...] = ()

    @property
    def migrations_dir(self) -> Path | None:
        """Where Alembic finds the service's migrations."""
        if not self.migrations_package:
            return None
        return Path(str(files(self.migrations_package) / "migrations"))


def discover() -> list[ServiceManifest]:
    """Every installed service, in start order."""
    manifests = [ep.load() for ep in entry_points(group=ENTRY_POINT_GROUP)]
    for manifest in manifests:
        if not isinstance(manifest, ServiceManifest):
            raise TypeError(f"{manifest!r} in {ENTRY_POINT_GROUP} is not a ServiceManifest")
    return sorted(manifests, key=lambda m: (m.start_order, m.name))
