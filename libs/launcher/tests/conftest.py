"""Launcher test fixtures: the fake services, free ports, and ``runnerly`` run for real."""

from __future__ import annotations

import contextlib
import importlib
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import psutil
import pytest

from runnerly_kit.manifest import ServiceManifest
from runnerly_kit.testing.ports import free_port

FAKES = Path(__file__).parent / "fakes"
RUNNERLY = str(Path(sys.executable).parent / "runnerly")
PORT_VARIABLES = (
    "RUNNERLY_NATS_PORT",
    "RUNNERLY_SMTP_PORT",
    "RUNNERLY_TOKENDEALER_PORT",
    "RUNNERLY_ALPHA_PORT",
    "RUNNERLY_BETA_PORT",
    "RUNNERLY_COURIER_PORT",
)


def free_ports(count: int) -> list[int]:
    """``count`` distinct free loopback ports."""
    ports: set[int] = set()
    while len(ports) < count:
        ports.add(free_port())
    return sorted(ports)


@pytest.fixture
def fake_manifests(monkeypatch: pytest.MonkeyPatch) -> tuple[ServiceManifest, ServiceManifest]:
    """The ``alpha`` and ``beta`` manifests, with their package importable in this process."""
    monkeypatch.syspath_prepend(str(FAKES))
    manifests = importlib.import_module("fake_runnerly.manifests")
    return manifests.ALPHA, manifests.BETA


@pytest.fixture
def courier_manifest(monkeypatch: pytest.MonkeyPatch) -> ServiceManifest:
    """The ``courier`` manifest: a fake service that sends mail (``sends_mail=True``)."""
    monkeypatch.syspath_prepend(str(FAKES))
    manifest: ServiceManifest = importlib.import_module("fake_runnerly.manifests").COURIER
    return manifest


@pytest.fixture
def launcher_env(tmp_path: Path) -> dict[str, str]:
    """An environment for ``runnerly``: fake services visible, a fresh data folder, free ports."""
    ours = ("RUNNERLY_", "ALPHA_", "BETA_", "COURIER_")
    env = {k: v for k, v in os.environ.items() if not k.startswith(ours)}
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(FAKES), env.get("PYTHONPATH")]))
    env["RUNNERLY_DATA_DIR"] = str(tmp_path / "var")
    env.update(zip(PORT_VARIABLES, map(str, free_ports(len(PORT_VARIABLES))), strict=True))
    return env


@pytest.fixture
def runnerly() -> str:
    """The ``runnerly`` console script installed in this environment."""
    return RUNNERLY


@pytest.fixture
def run_runnerly() -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run a ``runnerly`` command to its end: ``run_runnerly("status", "--json", env=...)``."""

    def run(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [RUNNERLY, *args], env=env, capture_output=True, text=True, timeout=120, check=False
        )

    return run


class Launcher:
    """A running ``runnerly up``, in a session of its own like a command typed in a terminal."""

    def __init__(self, args: list[str], env: dict[str, str]) -> None:
        self.process = subprocess.Popen(
            [RUNNERLY, *args],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            start_new_session=True,
        )
        self._lines: list[str] = []
        #: Every process seen under the launcher, so a failed test can still clean up orphans.
        self._seen: dict[int, psutil.Process] = {}
        self._changed = threading.Condition()
        # Drain the pipe all the time: a full pipe would block the launcher.
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        with self.process.stdout:
            for line in self.process.stdout:
                with self._changed:
                    self._lines.append(line)
                    self._changed.notify_all()
        with self._changed:
            self._lines.append("")  # end of output
            self._changed.notify_all()

    @property
    def pid(self) -> int:
        """The launcher's process id."""
        return self.process.pid

    @property
    def output(self) -> str:
        """Everything printed so far."""
        with self._changed:
            return "".join(self._lines)

    def wait_for(self, text: str, *, timeout: float = 90) -> str:
        """Wait until ``text`` has been printed; the output so far."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while text not in "".join(self._lines):
                remaining = deadline - time.monotonic()
                ended = self._lines[-1:] == [""]
                if remaining <= 0 or ended:
                    pytest.fail(f"{text!r} never printed; output:\n{''.join(self._lines)}")
                self._changed.wait(remaining)
            output = "".join(self._lines)
        self.descendants()
        return output

    def descendants(self) -> list[psutil.Process]:
        """Every process started under the launcher (helpers, services, broker)."""
        try:
            found = psutil.Process(self.process.pid).children(recursive=True)
        except psutil.NoSuchProcess:
            return []
        self._seen.update((p.pid, p) for p in found)
        return found

    def press_ctrl_c(self) -> None:
        """What the terminal does on Ctrl-C: SIGINT to the whole foreground process group."""
        self.signal_group(signal.SIGINT)

    def signal_group(self, signum: int) -> None:
        """Send ``signum`` to the launcher's process group, as a terminal or a shell does."""
        if self.process.poll() is None:
            os.killpg(self.process.pid, signum)

    def wait(self, timeout: float = 60) -> int:
        """The launcher's exit code, once it has exited."""
        return self.process.wait(timeout=timeout)

    def kill(self) -> None:
        """Clean-up after a test: kill the launcher and every process ever seen under it."""
        self.descendants()
        if self.process.poll() is None:
            self.process.kill()
        for process in still_running(list(self._seen.values())):
            with contextlib.suppress(psutil.NoSuchProcess):
                process.kill()
        self.process.wait()


def still_running(processes: list[psutil.Process]) -> list[psutil.Process]:
    """Those of ``processes`` that still run (a zombie has finished: only its exit code is left)."""
    alive = []
    for process in processes:
        try:
            if process.is_running() and process.status() != psutil.STATUS_ZOMBIE:
                alive.append(process)
        except psutil.NoSuchProcess:
            pass
    return alive


@pytest.fixture
def start_launcher() -> Iterator[Callable[..., Launcher]]:
    """Start ``runnerly`` commands; any still running at the end are killed with their children."""
    started: list[Launcher] = []

    def start(*args: str, env: dict[str, str]) -> Launcher:
        launcher = Launcher(list(args), env)
        started.append(launcher)
        return launcher

    yield start
    for launcher in started:
        launcher.kill()
