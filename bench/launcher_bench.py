"""``runnerly up`` of every installed service: time to all-ready, idle memory, time to stop.

    python -m bench.launcher_bench [--idle 30] [--runs 2]

Each run starts ``.venv/bin/runnerly up`` (the command ``make up`` execs) on
free ports in a fresh temporary data folder, the way a user's terminal would:
its own session, SIGINT to stop. The first run migrates fresh databases; later
runs reuse the folder, so nothing needs doing before the services start.
Measured per run: seconds from the command's start to the "Runnerly is up."
table (every ``/readyz`` 200), the RSS of each process (``ps``' RSS, read with
psutil) after ``--idle`` seconds with nothing to do, and seconds from SIGINT
to the launcher's exit. Writes ``bench/results/launcher.json``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import signal
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from pathlib import Path

import psutil

from runnerly_kit.testing.ports import free_port
from runnerly_launcher.config import discover_services, port_variable

RESULTS = Path(__file__).parent / "results"
RUNNERLY = Path(sys.executable).parent / "runnerly"
MIB = 1024 * 1024


@dataclass
class Run:
    """The figures of one ``runnerly up``."""

    migrated_fresh_databases: bool
    seconds_to_ready: float
    #: CPU seconds (user + system) every process of the system had used when all were ready:
    #: on a busy machine the wall time above grows, this does not.
    cpu_seconds_to_ready: float = 0.0
    #: The machine's 1-minute load average when all were ready (what else was running).
    load_average: float = 0.0
    seconds_to_stop: float = 0.0
    exit_code: int = 0
    #: process label -> RSS in MiB, after the idle time.
    rss_mib: dict[str, float] = field(default_factory=dict)

    def total(self, *, kind: str | None = None) -> float:
        return sum(v for k, v in self.rss_mib.items() if kind is None or k.startswith(kind))


def system_environment(data_dir: Path) -> dict[str, str]:
    """This environment, with a data folder and free ports of its own for every part."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("RUNNERLY_")}
    env["RUNNERLY_DATA_DIR"] = str(data_dir)
    ports = {"RUNNERLY_NATS_PORT", "RUNNERLY_SMTP_PORT"}
    ports |= {port_variable(m.name) for m in discover_services().manifests}
    used: set[int] = set()
    for variable in sorted(ports):
        while (port := free_port()) in used:
            pass
        used.add(port)
        env[variable] = str(port)
    return env


def service_name(process: psutil.Process) -> str | None:
    """The service a process serves (``python -m uvicorn --factory runnerly_<name>.main:...``)."""
    argv = process.cmdline()
    if "--factory" not in argv:
        return None
    return argv[argv.index("--factory") + 1].split(".")[0].removeprefix("runnerly_")


def _label(process: psutil.Process) -> str:
    argv = process.cmdline()
    if (service := service_name(process)) is not None:
        return f"service {service}"
    if argv and argv[0].endswith("nats-server"):
        return "broker nats-server"
    return "other " + " ".join(argv)[:60]


def _cpu_seconds(top: psutil.Process) -> float:
    # The launcher's own, its reaped children's (the migrations) and its running ones'.
    times = top.cpu_times()
    total = times.user + times.system + times.children_user + times.children_system
    for child in top.children(recursive=True):
        with contextlib.suppress(psutil.NoSuchProcess):
            child_times = child.cpu_times()
            total += child_times.user + child_times.system
    return total


def start_system(env: dict[str, str]) -> tuple[subprocess.Popen[str], list[str]]:
    """``runnerly up`` in a session of its own, once its "Runnerly is up." table is out.

    Returns the launcher and the lines it has printed so far (more arrive as it runs).
    """
    launcher = subprocess.Popen(
        [str(RUNNERLY), "up"],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    ready = threading.Event()
    lines: list[str] = []

    def read() -> None:
        assert launcher.stdout is not None
        for line in launcher.stdout:
            lines.append(line)
            if line.startswith("Runnerly is up."):
                ready.set()

    threading.Thread(target=read, daemon=True).start()
    if not ready.wait(timeout=180):
        os.killpg(launcher.pid, signal.SIGKILL)
        launcher.wait()
        raise RuntimeError("never ready:\n" + "".join(lines))
    return launcher, lines


@contextlib.contextmanager
def running_system(env: dict[str, str]) -> Iterator[tuple[subprocess.Popen[str], list[str]]]:
    """:func:`start_system`, and whatever happens inside, no process left behind after."""
    launcher, lines = start_system(env)
    try:
        yield launcher, lines
    finally:
        if launcher.poll() is None:
            os.killpg(launcher.pid, signal.SIGKILL)
            launcher.wait()


def service_url(env: dict[str, str], service: str) -> str:
    """The base URL of ``service`` in a system started with ``env``."""
    return f"http://127.0.0.1:{env[port_variable(service)]}"


def _one_run(env: dict[str, str], idle: float, *, fresh: bool) -> Run:
    started = time.monotonic()
    with running_system(env) as (launcher, _):
        run = Run(fresh, round(time.monotonic() - started, 2))
        run.cpu_seconds_to_ready = round(_cpu_seconds(psutil.Process(launcher.pid)), 2)
        run.load_average = round(os.getloadavg()[0], 1)
        time.sleep(idle)  # a benchmark, not a test: the system is meant to sit idle
        top = psutil.Process(launcher.pid)
        run.rss_mib["launcher runnerly up"] = round(top.memory_info().rss / MIB, 1)
        for child in top.children(recursive=True):
            run.rss_mib[_label(child)] = round(child.memory_info().rss / MIB, 1)
        stopping = time.monotonic()
        os.killpg(launcher.pid, signal.SIGINT)
        run.exit_code = launcher.wait(timeout=120)
        run.seconds_to_stop = round(time.monotonic() - stopping, 2)
    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--idle", type=float, default=30.0, help="seconds idle before ps")
    parser.add_argument("--runs", type=int, default=2, help="the first migrates fresh databases")
    args = parser.parse_args()
    runs: list[Run] = []
    with tempfile.TemporaryDirectory(prefix="runnerly-bench-") as folder:
        env = system_environment(Path(folder) / "var")
        runs.extend(_one_run(env, args.idle, fresh=index == 0) for index in range(args.runs))
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "launcher.json").write_text(
        json.dumps({"idle_seconds": args.idle, "runs": [asdict(r) for r in runs]}, indent=2) + "\n"
    )
    for run in runs:
        kind = "fresh databases" if run.migrated_fresh_databases else "nothing to migrate"
        print(
            f"\n{kind}: ready in {run.seconds_to_ready:.1f} s "
            f"({run.cpu_seconds_to_ready:.1f} CPU s, load average {run.load_average:.1f}), "
            f"stopped in {run.seconds_to_stop:.1f} s (exit {run.exit_code})"
        )
        print(f"| process | RSS after {args.idle:g} s idle (MiB) |\n|---|---:|")
        for label, rss in sorted(run.rss_mib.items()):
            print(f"| {label} | {rss:.1f} |")
        print(f"| **launcher** | {run.total(kind='launcher'):.1f} |")
        print(f"| **services** | {run.total(kind='service'):.1f} |")
        print(f"| **whole system** | {run.total():.1f} |")


if __name__ == "__main__":
    main()
