"""The embedded broker: one ``nats-server`` with JetStream, storing under ``<data dir>/nats``.

It runs outside honcho on purpose: it must accept connections before any
service starts (services connect to it in their start-up), and it must stop
after them, so that a stopping service can still flush its outbox.
"""

from __future__ import annotations

import subprocess
import time
from pathlib import Path

from runnerly_kit.nats_binary import nats_server_binary as find_nats_server
from runnerly_launcher.config import HOST
from runnerly_launcher.errors import BrokerError
from runnerly_launcher.probes import port_is_open

_STOP_TIMEOUT_SECONDS = 10.0


def nats_server_binary() -> str:
    """The ``nats-server`` binary to run, or :class:`BrokerError` naming what to install."""
    try:
        return find_nats_server()
    except FileNotFoundError as missing:
        raise BrokerError(str(missing)) from None


class EmbeddedBroker:
    """A ``nats-server`` process in a session of its own (Ctrl-C does not reach it)."""

    def __init__(self, port: int, store_dir: Path) -> None:
        self.port = port
        self.store_dir = store_dir
        self.log_file = store_dir / "nats-server.log"
        self._process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int | None:
        """The server's process id while it runs."""
        return self._process.pid if self._process else None

    def start(self, *, timeout: float = 15.0) -> None:
        """Start the server and return once it accepts connections."""
        self.store_dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        argv = [
            nats_server_binary(),
            "--addr", HOST,
            "--port", str(self.port),
            "--jetstream",
            "--store_dir", str(self.store_dir),
            "--log", str(self.log_file),
        ]  # fmt: skip
        # A session of its own: the terminal's Ctrl-C goes to the launcher, which
        # stops the services first and the broker last.
        self._process = subprocess.Popen(  # noqa: S603  # our own binary and options, no shell
            argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL, start_new_session=True
        )
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self._process.poll() is not None:
                self._process = None
                raise BrokerError(f"nats-server exited at start-up; see {self.log_file}")
            if port_is_open(HOST, self.port):
                return
            time.sleep(0.05)
        self.stop()
        raise BrokerError(f"nats-server did not listen on port {self.port}; see {self.log_file}")

    def wait(self) -> int:
        """Block until the server exits; its exit code."""
        if self._process is None:
            return 0
        return self._process.wait()

    def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL) and wait until it is gone."""
        process, self._process = self._process, None
        if process is None:
            return
        process.terminate()
        try:
            process.wait(timeout=_STOP_TIMEOUT_SECONDS)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
