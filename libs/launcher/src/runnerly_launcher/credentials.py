"""The secrets ``runnerly up`` generates on first run and keeps in ``<data dir>/secrets.json``.

One random client secret per service, the key that encrypts the token
dealer's private signing keys at rest, and the secrets a service's manifest
asks for (``generated_secrets``, e.g. the strava service's token encryption
key). The file is readable by its owner only (mode 0600, in a folder created
with mode 0700) and is written atomically, so an interrupted run never leaves
half a file. Secrets are stable across runs: a service installed later gets
its own secret, the others keep theirs.
"""

from __future__ import annotations

import json
import os
import secrets
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from runnerly_launcher.errors import CredentialsError

_FORMAT = 1
_SECRET_BYTES = 32


@dataclass(frozen=True, slots=True)
class Credentials:
    """The generated secrets. Never logged, never printed."""

    client_secrets: Mapping[str, str]
    key_encryption_secret: str
    #: A service's own generated secrets, keyed ``"<service>:<NAME>"``.
    service_secrets: Mapping[str, str] = field(default_factory=dict)

    def service_secret(self, service: str, name: str) -> str:
        """The generated secret ``name`` of ``service``."""
        return self.service_secrets[f"{service}:{name}"]

    def __repr__(self) -> str:
        return f"Credentials(services={sorted(self.client_secrets)!r}, secrets=***)"


def load_or_create(
    path: Path, services: Iterable[str], generated: Iterable[tuple[str, str]] = ()
) -> Credentials:
    """The secrets in ``path``, adding any missing ones (and the file) on first use.

    ``generated`` names the (service, NAME) pairs of services' own secrets.
    """
    stored = _read(path) if path.exists() else None
    client_secrets = dict(stored.client_secrets) if stored else {}
    service_secrets = dict(stored.service_secrets) if stored else {}
    key_secret = stored.key_encryption_secret if stored else _new_secret()
    for service in services:
        client_secrets.setdefault(service, _new_secret())
    for service, name in generated:
        service_secrets.setdefault(f"{service}:{name}", _new_secret())
    credentials = Credentials(client_secrets, key_secret, service_secrets)
    if (
        stored is None
        or stored.client_secrets != client_secrets
        or stored.service_secrets != service_secrets
    ):
        _write(path, credentials)
    elif stat.S_IMODE(path.stat().st_mode) & 0o077:
        # Someone loosened it (a copy, an editor): only the owner may read secrets.
        path.chmod(0o600)
    return credentials


def read(path: Path) -> Credentials:
    """The secrets in ``path``, as they are (nothing generated, nothing written)."""
    return _read(path)


def _new_secret() -> str:
    return secrets.token_urlsafe(_SECRET_BYTES)


def _read(path: Path) -> Credentials:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        client_secrets = data["clients"]
        key_secret = data["key_encryption_secret"]
        service_secrets = data.get("services", {})
    except (OSError, ValueError, KeyError, TypeError) as exc:
        reason = type(exc).__name__
        raise CredentialsError(f"{path} is not a runnerly secrets file: {reason}") from exc
    if not isinstance(client_secrets, dict) or not isinstance(key_secret, str) or not key_secret:
        raise CredentialsError(f"{path} is not a runnerly secrets file")
    for kind, values in (("client", client_secrets), ("service", service_secrets)):
        if not isinstance(values, dict) or not all(
            isinstance(k, str) and isinstance(v, str) and v for k, v in values.items()
        ):
            raise CredentialsError(f"{path} holds an empty or non-text {kind} secret")
    return Credentials(client_secrets, key_secret, service_secrets)


def _write(path: Path, credentials: Credentials) -> None:
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    body = {
        "format": _FORMAT,
        "clients": dict(sorted(credentials.client_secrets.items())),
        "key_encryption_secret": credentials.key_encryption_secret,
        "services": dict(sorted(credentials.service_secrets.items())),
    }
    temporary = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    # Created with 0600 from the start, so the secrets are never readable by others,
    # not even for the moment between creating and chmod-ing the file.
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            json.dump(body, file, indent=2)
            file.write("\n")
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
