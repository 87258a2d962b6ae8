"""``runnerly up``: migrate, start the broker, run every service under honcho, stop all on Ctrl-C.

honcho's :class:`~honcho.manager.Manager` supervises the services: each runs in
a process group of its own, their output is prefixed with their name, and on
SIGINT or SIGTERM (or when any of them exits) every group gets SIGTERM, then
SIGKILL five seconds after the first one has stopped. The broker is started
before the services and stopped after them (see :mod:`runnerly_launcher.broker`).

A thread waits until every ``/readyz`` answers and prints the table of
services. It starts only once honcho has forked all its helpers: a thread
alive during a fork could leave a lock held in the child.
"""

from __future__ import annotations

import asyncio
import sys
import threading
from collections.abc import Mapping, Sequence
from typing import Any, TextIO

from honcho.manager import Manager
from honcho.printer import Printer

from runnerly_launcher.broker import EmbeddedBroker
from runnerly_launcher.config import HOST, LauncherConfig, ServiceEndpoint, port_variable
from runnerly_launcher.credentials import Credentials, load_or_create
from runnerly_launcher.environment import service_command, service_environment
from runnerly_launcher.errors import LaunchError
from runnerly_launcher.migrate import migrate
from runnerly_launcher.probes import port_is_open
from runnerly_launcher.status import render_table, wait_until_ready


def up(
    config: LauncherConfig,
    endpoints: Sequence[ServiceEndpoint],
    environ: Mapping[str, str],
    out: TextIO = sys.stdout,
) -> int:
    """Run the system until Ctrl-C (or until a service dies); the exit code for the shell."""
    if not endpoints:
        raise LaunchError("no service is installed (none in the 'runnerly.services' entry points)")
    _refuse_busy_ports(config, endpoints)
    credentials = load_or_create(config.secrets_file, [e.name for e in config.services])
    asyncio.run(migrate(endpoints, config, environ, out))
    broker = None
    if config.starts_broker:
        broker = EmbeddedBroker(config.nats_port, config.nats_store_dir)
        broker.start()
        out.write(f"broker: {config.nats_url} (log: {broker.log_file})\n")
    try:
        return _supervise(
            config=config,
            endpoints=endpoints,
            environ=environ,
            credentials=credentials,
            broker=broker,
            out=out,
        )
    finally:
        if broker is not None:
            broker.stop()
            out.write("broker: stopped\n")
        out.flush()


def _supervise(
    *,
    config: LauncherConfig,
    endpoints: Sequence[ServiceEndpoint],
    environ: Mapping[str, str],
    credentials: Credentials,
    broker: EmbeddedBroker | None,
    out: TextIO,
) -> int:
    started, stopping, broker_lost = threading.Event(), threading.Event(), threading.Event()
    manager = Manager(printer=_SignallingPrinter(out, started))
    for endpoint in endpoints:
        environment = service_environment(endpoint, config, credentials, environ)
        manager.add_process(endpoint.name, service_command(endpoint, config), env=environment)
    threading.Thread(
        target=_announce_when_ready,
        args=(config, endpoints, started, stopping, out),
        name="runnerly-readiness",
        daemon=True,
    ).start()
    if broker is not None:
        threading.Thread(
            target=_stop_all_if_broker_dies,
            args=(broker, manager, started, stopping, broker_lost, out),
            name="runnerly-broker-watch",
            daemon=True,
        ).start()
    try:
        manager.loop()
    finally:
        stopping.set()
    if broker_lost.is_set():
        return 1
    return int(manager.returncode or 0)


class _SignallingPrinter:
    """honcho's printer, which also tells when honcho has started every process."""

    def __init__(self, out: TextIO, started: threading.Event) -> None:
        self._printer: Any = Printer(out)
        self._started = started

    @property
    def width(self) -> int:
        """Width of the name column (honcho widens it as processes are added)."""
        return int(self._printer.width)

    @width.setter
    def width(self, value: int) -> None:
        self._printer.width = value

    def write(self, message: Any) -> None:
        """Print one of honcho's messages."""
        # honcho forks all its helpers before it reads its first event, so from
        # the first message on no fork is left and threads are safe to start work.
        self._started.set()
        self._printer.write(message)


def _wait_started(started: threading.Event, stopping: threading.Event) -> bool:
    while not started.wait(0.1):
        if stopping.is_set():
            return False
    return True


def _announce_when_ready(
    config: LauncherConfig,
    endpoints: Sequence[ServiceEndpoint],
    started: threading.Event,
    stopping: threading.Event,
    out: TextIO,
) -> None:
    if not _wait_started(started, stopping):
        return
    healths = asyncio.run(
        wait_until_ready(
            config, endpoints, give_up_after=config.ready_timeout_seconds, stopping=stopping
        )
    )
    if stopping.is_set():
        return
    if all(h.up for h in healths):
        heading = "Runnerly is up."
    else:
        heading = f"Not everything is ready after {config.ready_timeout_seconds:g} s:"
    # One write, so honcho's lines do not cut through the table.
    out.write(
        f"\n{heading}\n\n{render_table(healths)}\n"
        f"data: {config.data_dir}\nPress Ctrl-C to stop everything.\n\n"
    )
    out.flush()


def _stop_all_if_broker_dies(  # a thread target: arguments come as args=
    broker: EmbeddedBroker,
    manager: Any,
    started: threading.Event,
    stopping: threading.Event,
    broker_lost: threading.Event,
    out: TextIO,
) -> None:
    if not _wait_started(started, stopping):
        return
    code = broker.wait()
    if stopping.is_set():
        return
    # Like honcho does when one of its own processes dies: a system without its
    # broker is not one to leave running half-broken.
    broker_lost.set()
    out.write(f"broker: exited (rc={code}), see {broker.log_file}; stopping everything\n")
    out.flush()
    manager.terminate()


def _refuse_busy_ports(config: LauncherConfig, endpoints: Sequence[ServiceEndpoint]) -> None:
    taken = []
    if config.starts_broker and port_is_open(HOST, config.nats_port):
        taken.append(f"{config.nats_port} (broker, RUNNERLY_NATS_PORT)")
    taken += [
        f"{e.port} ({e.name}, {port_variable(e.name)})"
        for e in endpoints
        if port_is_open(HOST, e.port)
    ]
    if taken:
        raise LaunchError(
            f"port already in use: {'; '.join(taken)}. Is runnerly already running "
            "(`runnerly status`)? Otherwise choose other ports with the variables named."
        )
