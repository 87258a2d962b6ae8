"""CPU time each service spends on one home screen (``GET /bff/v1/home``).

Run: ``uv run python -m bench.home_cpu [--requests 200]``.

The whole system as ``runnerly up`` starts it, the demo runner's year of runs
(``runnerly demo``), a login through the dashboard as the app logs in; then,
after 20 warm-up requests, ``--requests`` home screens one after the other.
Each service's CPU time (user + system, all its threads, from psutil) over
those requests, divided by their number, is what one screen costs it —
a figure that, unlike latency, hardly moves with what else the machine does,
and that bounds the rate two cores can serve at all.
"""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import httpx
import psutil

from bench.dashboard_bench import HOME, demo_system
from bench.launcher_bench import service_name


def _cpu_seconds(process: psutil.Process) -> float:
    times = process.cpu_times()
    return float(times.user + times.system)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=200, help="home screens measured")
    args = parser.parse_args()
    with (
        tempfile.TemporaryDirectory(prefix="runnerly-bench-") as tmp,
        demo_system(Path(tmp)) as (launcher, dashboard, cookies),
    ):
        services = {
            name: child
            for child in psutil.Process(launcher.pid).children(recursive=True)
            if (name := service_name(child)) is not None
        }
        with httpx.Client(cookies=cookies, timeout=60) as http:
            for _ in range(20):
                http.get(dashboard + HOME).raise_for_status()
            before = {name: _cpu_seconds(p) for name, p in services.items()}
            started = time.perf_counter()
            for _ in range(args.requests):
                http.get(dashboard + HOME).raise_for_status()
            wall = time.perf_counter() - started
            after = {name: _cpu_seconds(p) for name, p in services.items()}
    per_request = {name: (after[name] - before[name]) / args.requests * 1000 for name in services}
    print(f"wall time per home screen (one after the other): {wall / args.requests * 1000:.1f} ms")
    print("| service | CPU ms per home screen |")
    print("|---|---:|")
    for name, milliseconds in sorted(per_request.items(), key=lambda item: -item[1]):
        print(f"| {name} | {milliseconds:.2f} |")
    print(f"| total | {sum(per_request.values()):.2f} |")


if __name__ == "__main__":
    main()
