"""``runnerly up``: migrate, start the broker, the mail sink and every service; stop all on a
signal or when one of them dies.

One asyncio loop in the launcher's own process does everything: it serves the
local SMTP sink itself; runs the migrations a database needs (see
:mod:`runnerly_launcher.uptodate`) in a short-lived child, so that SQLAlchemy
and Alembic never load into the launcher, while the broker starts; starts every
service as ``python -m uvicorn ...`` (see :mod:`runnerly_launcher.children`) at
once, those still migrating as soon as that is done; prints each child's output
under its name, and the readiness table once everything answers.

Stopping (Ctrl-C, SIGTERM, SIGHUP, or a service or the broker dying): SIGTERM
to every service's process group, then each is given the shutdown grace plus
:data:`~runnerly_launcher.config.STOP_MARGIN_SECONDS` to exit on its own (it
finishes its requests and flushes its outbox) before SIGKILL; a second Ctrl-C
kills at once. The sink and the broker stop only after every service has exited.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
import sys
from collections.abc import AsyncIterator, Mapping, Sequence
from typing import TextIO

from runnerly_launcher.broker import EmbeddedBroker
from runnerly_launcher.children import Child, Printer, stop_all
from runnerly_launcher.config import (
    HOST,
    STOP_MARGIN_SECONDS,
    LauncherConfig,
    ServiceEndpoint,
    port_variable,
)
from runnerly_launcher.credentials import load_or_create
from runnerly_launcher.environment import service_command, service_environment
from runnerly_launcher.errors import LauncherError, LaunchError, MigrationError
from runnerly_launcher.login import CLI_CLIENT_ID
from runnerly_launcher.mailsink import running_sink
from runnerly_launcher.probes import port_is_open
from runnerly_launcher.status import render_table, wait_until_ready
from runnerly_launcher.uptodate import needs_migrating

#: Exit codes after a signal, by the shell's 128 + signal number convention.
EXIT_INTERRUPTED = 128 + signal.SIGINT
EXIT_TERMINATED = 128 + signal.SIGTERM
EXIT_HANGUP = 128 + signal.SIGHUP
_STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
#: The name the mail sink's lines are shown under.
MAIL = "mail"


def up(
    config: LauncherConfig,
    endpoints: Sequence[ServiceEndpoint],
    environ: Mapping[str, str],
    out: TextIO = sys.stdout,
) -> int:
    """Run the system until a signal (or until a service dies); the exit code for the shell."""
    if not endpoints:
        raise LaunchError("no service is installed (none in the 'runnerly.services' entry points)")
    _refuse_busy_ports(config, endpoints)
    credentials = load_or_create(
        config.secrets_file,
        [*(e.name for e in config.services), CLI_CLIENT_ID],
        [(e.name, name) for e in config.services for name in e.manifest.generated_secrets],
    )
    children = [
        Child(
            e.name,
            service_command(e, config),
            service_environment(e, config, credentials, environ),
        )
        for e in endpoints
    ]
    names = [*([MAIL] if config.starts_mail_sink else []), *(c.name for c in children)]
    supervisor = Supervisor(config, endpoints, children, environ, Printer(out, names))
    return asyncio.run(supervisor.run())


class Supervisor:
    """One run of the system, from the migrations to the broker's stop."""

    def __init__(
        self,
        config: LauncherConfig,
        endpoints: Sequence[ServiceEndpoint],
        children: Sequence[Child],
        environ: Mapping[str, str],
        printer: Printer,
    ) -> None:
        self._config = config
        self._endpoints = endpoints
        self._children = children
        self._environ = environ
        self._printer = printer
        self._stopping = asyncio.Event()
        self._force = asyncio.Event()
        #: The exit code, decided by the first reason to stop.
        self._code: int | None = None
        #: Watchers of the children and the broker, and the readiness announcer.
        self._tasks: list[asyncio.Task[None]] = []

    @property
    def _patience(self) -> int:
        """How long each service is given to exit on its own once asked to stop."""
        return self._config.shutdown_grace_seconds + STOP_MARGIN_SECONDS

    def _stop(self, code: int, note: str) -> None:
        if self._code is None:
            self._code = code
            self._printer.write(f"{note}\n")
            self._stopping.set()

    def _on_signal(self, signum: signal.Signals) -> None:
        if self._stopping.is_set():
            if signum == signal.SIGINT and not self._force.is_set():
                self._printer.write("second Ctrl-C: killing what is still running\n")
                self._force.set()
            return
        self._stop(
            128 + signum,
            f"{signum.name}: stopping everything (each service has up to {self._patience} s; "
            "Ctrl-C again kills them now)",
        )

    async def run(self) -> int:
        """Start everything, wait for a reason to stop, stop everything; the exit code."""
        loop = asyncio.get_running_loop()
        for signum in _STOP_SIGNALS:
            loop.add_signal_handler(signum, self._on_signal, signum)
        broker = None
        if self._config.starts_broker:
            broker = EmbeddedBroker(self._config.nats_port, self._config.nats_store_dir)
        try:
            async with self._mail_sink():
                await self._supervise(broker)
        except Exception:
            # A failure of the launcher itself: the services still stop, and are waited for.
            with contextlib.suppress(Exception):
                await stop_all(self._children, patience=self._patience, force=self._force)
            raise
        finally:
            if broker is not None and broker.pid is not None:
                await broker.stop()
                self._printer.write("broker: stopped\n")
            for signum in _STOP_SIGNALS:
                loop.remove_signal_handler(signum)
        return self._code if self._code is not None else 0

    async def _supervise(self, broker: EmbeddedBroker | None) -> None:
        starter = asyncio.create_task(self._start_up(broker))
        await self._stopping.wait()
        starter.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await starter
        await stop_all(self._children, patience=self._patience, force=self._force)
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)

    async def _start_up(self, broker: EmbeddedBroker | None) -> None:
        """The broker, then each service as soon as its database is migrated; any failure
        stops everything."""
        try:
            pending = {
                e.name for e in self._endpoints if needs_migrating(e, self._config, self._environ)
            }
            migration = asyncio.create_task(self._migrate(sorted(pending))) if pending else None
            try:
                if broker is not None:
                    await broker.start()
                    self._printer.write(
                        f"broker: {self._config.nats_url} (log: {broker.log_file})\n"
                    )
                # Services already migrated start now, the others after the migrations.
                await self._start([c for c in self._children if c.name not in pending])
                if migration is not None:
                    await migration
                await self._start([c for c in self._children if c.name in pending])
            finally:
                if migration is not None and not migration.done():
                    migration.cancel()
                    with contextlib.suppress(asyncio.CancelledError):
                        await migration
            self._tasks.append(asyncio.create_task(self._announce_when_ready()))
            if broker is not None:
                self._tasks.append(asyncio.create_task(self._watch_broker(broker)))
        except LauncherError as exc:
            self._stop(1, f"runnerly: {exc}")
        except Exception as exc:  # whatever failed, nothing may wait for ever
            self._stop(1, f"runnerly: the start-up failed: {exc!r}")

    async def _start(self, children: Sequence[Child]) -> None:
        await asyncio.gather(*(child.start() for child in children))
        self._tasks.extend(asyncio.create_task(self._watch(child)) for child in children)

    async def _migrate(self, names: Sequence[str]) -> None:
        """``runnerly migrate <services>`` in a child process, its lines shown as they come."""
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "runnerly_launcher", "migrate", *names,
            env=dict(self._environ),
            stdin=asyncio.subprocess.DEVNULL,
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
            start_new_session=True,
        )  # fmt: skip
        try:
            assert process.stdout is not None
            async for raw in process.stdout:
                self._printer.write(raw.decode("utf-8", "replace"))
            code = await process.wait()
        finally:
            if process.returncode is None:  # cancelled by a signal: do not leave it behind
                with contextlib.suppress(ProcessLookupError):
                    process.kill()
                await process.wait()
        if code != 0:
            raise MigrationError("the migrations failed (see above)")

    @contextlib.asynccontextmanager
    async def _mail_sink(self) -> AsyncIterator[None]:
        if not self._config.starts_mail_sink:
            yield
            return
        directory = self._config.mail_dir
        directory.mkdir(mode=0o700, parents=True, exist_ok=True)
        port = self._config.smtp_sink_port

        def announce(text: str) -> None:
            self._printer.line(MAIL, text)

        async with running_sink(directory, HOST, port, announce=announce):
            announce(f"catching mail on smtp://{HOST}:{port}, into {directory}")
            yield

    async def _watch(self, child: Child) -> None:
        assert child.process is not None
        output = asyncio.create_task(child.pump(self._printer))
        code = await child.process.wait()
        # Its last lines (a traceback) come before the note saying how it ended.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(1):
                await asyncio.shield(output)
        if self._stopping.is_set():
            self._printer.write(f"{child.name}: {child.describe_exit(code)}\n")
            return
        how = child.describe_exit(code)
        self._stop(_exit_code(code), f"{child.name}: {how}, unexpectedly; stopping everything")

    async def _watch_broker(self, broker: EmbeddedBroker) -> None:
        code = await broker.wait()
        if not self._stopping.is_set():
            # A system without its broker is not one to leave running half-broken.
            self._stop(1, f"broker: exited (rc={code}), see {broker.log_file}; stopping everything")

    async def _announce_when_ready(self) -> None:
        config = self._config
        healths = await wait_until_ready(
            config, self._endpoints, give_up_after=config.ready_timeout_seconds
        )
        if all(h.up for h in healths):
            heading = "Runnerly is up."
        else:
            heading = f"Not everything is ready after {config.ready_timeout_seconds:g} s:"
        self._printer.write(
            f"\n{heading}\n\n{render_table(healths)}\n"
            f"data: {config.data_dir}\n{_mail_hint(config)}Press Ctrl-C to stop everything.\n\n"
        )


def _exit_code(code: int) -> int:
    """A dead service's exit code as the launcher's: never 0, 128 + N for signal N."""
    if code < 0:
        return 128 - code
    return code or 1


def _mail_hint(config: LauncherConfig) -> str:
    if config.starts_mail_sink:
        return f"mail: caught in {config.mail_dir}; read it with `runnerly mail`\n"
    return f"mail: delivered by {config.smtp_url} (RUNNERLY_SMTP_URL)\n"


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
