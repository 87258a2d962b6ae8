"""The embedded broker: one ``nats-server`` with JetStream, storing under ``<data dir>/nats``.

It is started before the services (they connect to it in their start-up) and
stopped only after every service has exited, so that a stopping service can
still flush its outbox.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
from pathlib import Path

from runnerly_kit.nats_binary import nats_server_binary as find_nats_server
from runnerly_launcher.config import HOST
from runnerly_launcher.errors import BrokerError
from runnerly_launcher.probes import port_accepts

_STOP_TIMEOUT_SECONDS = 10.0
_START_POLL_SECONDS = 0.05


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
        self._process: asyncio.subprocess.Process | None = None

    @property
    def pid(self) -> int | None:
        """The server's process id while it runs."""
        return self._process.pid if self._process else None

    async def start(self, *, within: float = 15.0) -> None:
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
        process = self._process = await asyncio.create_subprocess_exec(
            *argv,
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.DEVNULL,
            start_new_session=True,
        )
        try:
            async with asyncio.timeout(within):
                await self._until_listening(process)
        except TimeoutError:
            await self.stop()
            raise BrokerError(
                f"nats-server did not listen on port {self.port}; see {self.log_file}"
            ) from None
        except BaseException:
            await self.stop()  # cancelled (Ctrl-C during start-up): leave nothing behind
            raise

    async def _until_listening(self, process: asyncio.subprocess.Process) -> None:
        while not await port_accepts(HOST, self.port):
            if process.returncode is not None:
                self._process = None
                raise BrokerError(f"nats-server exited at start-up; see {self.log_file}")
            await asyncio.sleep(_START_POLL_SECONDS)

    async def wait(self) -> int:
        """Wait until the server exits; its exit code."""
        if self._process is None:
            return 0
        return await self._process.wait()

    async def stop(self) -> None:
        """Stop the server (SIGTERM, then SIGKILL) and wait until it is gone."""
        process, self._process = self._process, None
        if process is None:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(process.pid, signal.SIGTERM)
        try:
            async with asyncio.timeout(_STOP_TIMEOUT_SECONDS):
                await process.wait()
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                process.kill()
            await process.wait()
