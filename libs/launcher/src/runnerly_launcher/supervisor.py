"""``runnerly up``: migrate, start the broker, run every service under honcho, stop all on Ctrl-C.

honcho's :class:`~honcho.manager.Manager` supervises the services and the local
SMTP sink (``mail``, see :mod:`runnerly_launcher.mailsink`): each runs in
a process group of its own, their output is prefixed with their name, and on
SIGINT or SIGTERM (or when any of them exits) every group gets SIGTERM, then
SIGKILL five seconds after the first one has stopped. The broker is started
before the services and stopped after them (see :mod:`runnerly_launcher.broker`).

A thread waits until every ``/readyz`` answers and prints the table of
services; another stops everything if the embedded broker dies.
"""

from __future__ import annotations

import asyncio
import os
import signal
import sys
import threading
from collections.abc import Callable, Mapping, Sequence
from typing import Any, TextIO

from honcho.manager import Manager
from honcho.printer import Printer

from runnerly_launcher.broker import EmbeddedBroker
from runnerly_launcher.config import HOST, LauncherConfig, ServiceEndpoint, port_variable
from runnerly_launcher.credentials import Credentials, load_or_create
from runnerly_launcher.environment import (
    mail_sink_command,
    mail_sink_environment,
    service_command,
    service_environment,
)
from runnerly_launcher.errors import LaunchError
from runnerly_launcher.login import CLI_CLIENT_ID
from runnerly_launcher.migrate import migrate
from runnerly_launcher.probes import port_is_open
from runnerly_launcher.status import render_table, wait_until_ready

#: Exit code after SIGHUP, by the shell's 128 + signal number convention (honcho uses 130 and 143).
EXIT_HANGUP = 128 + signal.SIGHUP


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
    credentials = load_or_create(
        config.secrets_file,
        [*(e.name for e in config.services), CLI_CLIENT_ID],
        [(e.name, name) for e in config.services for name in e.manifest.generated_secrets],
    )
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
    stopping, broker_lost, hung_up = threading.Event(), threading.Event(), threading.Event()

    def start_watchers() -> None:
        _thread(_announce_when_ready, config, endpoints, stopping, out)
        if broker is not None:
            _thread(_stop_all_if_broker_dies, broker, manager, stopping, broker_lost, out)

    manager = Manager(printer=_FirstMessageHook(out, start_watchers))
    if config.starts_mail_sink:
        manager.add_process(
            "mail", mail_sink_command(config), env=mail_sink_environment(config, environ)
        )
    for endpoint in endpoints:
        environment = service_environment(endpoint, config, credentials, environ)
        manager.add_process(endpoint.name, service_command(endpoint, config), env=environment)

    launcher_pid = os.getpid()

    def hang_up(_signum: int, _frame: object) -> None:
        # honcho handles SIGINT and SIGTERM only. Closing the terminal sends SIGHUP,
        # which would kill the launcher alone and orphan services in their own groups.
        if os.getpid() != launcher_pid:
            return  # a honcho helper, forked with this handler: the launcher does the stopping
        hung_up.set()
        os.kill(launcher_pid, signal.SIGTERM)  # into honcho's own shutdown

    signal.signal(signal.SIGHUP, hang_up)
    try:
        manager.loop()
    except BaseException:
        # The loop failed (its output gone with the terminal...): stop the services anyway.
        manager.terminate()
        raise
    finally:
        stopping.set()
    if broker_lost.is_set():
        return 1
    if hung_up.is_set():
        return EXIT_HANGUP
    code = int(manager.returncode or 0)
    # A service killed by a signal has a negative return code; the shell's form is 128 + signal.
    return 128 - code if code < 0 else code


class _FirstMessageHook:
    """honcho's printer, calling ``hook`` before printing honcho's first message.

    honcho forks one helper per service before it reads its first event. Starting
    our threads from that first message means no thread of ours exists during a
    fork: a fork copies only the calling thread, and a lock another thread held
    would stay locked forever in the child.
    """

    def __init__(self, out: TextIO, hook: Callable[[], None]) -> None:
        self._printer: Any = Printer(out)
        self._hook: Callable[[], None] | None = hook

    @property
    def width(self) -> int:
        """Width of the name column (honcho widens it as processes are added)."""
        return int(self._printer.width)

    @width.setter
    def width(self, value: int) -> None:
        self._printer.width = value

    def write(self, message: Any) -> None:
        """Print one of honcho's messages."""
        if self._hook is not None:
            hook, self._hook = self._hook, None
            hook()
        self._printer.write(message)


def _thread(target: Callable[..., None], *args: Any) -> None:
    name = f"runnerly-{target.__name__.strip('_')}"
    threading.Thread(target=target, args=args, name=name, daemon=True).start()


def _announce_when_ready(
    config: LauncherConfig,
    endpoints: Sequence[ServiceEndpoint],
    stopping: threading.Event,
    out: TextIO,
) -> None:
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
        f"data: {config.data_dir}\n{_mail_hint(config)}Press Ctrl-C to stop everything.\n\n"
    )
    out.flush()


def _mail_hint(config: LauncherConfig) -> str:
    if config.starts_mail_sink:
        return f"mail: caught in {config.mail_dir}; read it with `runnerly mail`\n"
    return f"mail: delivered by {config.smtp_url} (RUNNERLY_SMTP_URL)\n"


def _stop_all_if_broker_dies(
    broker: EmbeddedBroker,
    manager: Any,
    stopping: threading.Event,
    broker_lost: threading.Event,
    out: TextIO,
) -> None:
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
    if config.starts_mail_sink and port_is_open(HOST, config.smtp_sink_port):
        taken.append(f"{config.smtp_sink_port} (mail sink, RUNNERLY_SMTP_PORT)")
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
