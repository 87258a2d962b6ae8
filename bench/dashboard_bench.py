"""Benchmark: the home screen's BFF call, at a fixed rate, beside bare FastAPI answering its body.

Run: ``uv run python -m bench.dashboard_bench`` (defaults: 200 requests/s for 30 s).
Writes ``bench/results/dashboard_home.json`` and prints the rows for RESULTS.md.

The real call does everything it does for a runner's browser: the whole
system runs as ``runnerly up`` starts it (every service its own process, the
broker, SQLite databases), ``runnerly demo`` has given the demo runner a year
of runs, and the benchmark logs in through the dashboard like the app does
(session cookie, CSRF token, Origin). Each ``GET /bff/v1/home`` then reads the
session row, and calls users (the profile) and runs (its overview: last runs,
12 weeks of totals, this month's, best efforts) in parallel, each call
verifying the runner's token — and answers the screen's JSON. The bare line
is plain FastAPI answering the very same bytes from memory, one uvicorn
worker: what the framework and the loopback cost on their own.

Load is open-model (:mod:`bench.paced`): requests are due at a fixed rate and
latency counts from when each was due, so falling behind shows in the p99.
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx

from bench.harness import save_results, uvicorn_server
from bench.launcher_bench import running_system, service_url, system_environment
from bench.paced import PacedResult, paced_load
from runnerly_launcher.demo import DEMO_EMAIL, DEMO_PASSWORD

HOME = "/bff/v1/home"
#: The target of the issue: p99 of the home call under 60 ms at 200 requests/s.
TARGET_P99_MS = 60.0


def _logged_in(dashboard: str) -> dict[str, str]:
    """The session cookie of the demo runner, logged in as the app logs in."""
    with httpx.Client(base_url=dashboard, timeout=30) as http:
        csrf = http.get("/bff/v1/session").raise_for_status().json()["csrf_token"]
        http.post(
            "/bff/v1/session",
            json={"email": DEMO_EMAIL, "password": DEMO_PASSWORD},
            headers={"x-csrf-token": csrf, "origin": dashboard},
        ).raise_for_status()
        return dict(http.cookies)


def _warm(url: str, cookies: dict[str, str], count: int = 100) -> bytes:
    """Warm caches and connections; the last answer's body (checked: real data)."""
    with httpx.Client(cookies=cookies, timeout=30) as http:
        for _ in range(count):
            response = http.get(url).raise_for_status()
    home = response.json()
    if home["last_runs"]["status"] != "ok" or len(home["last_runs"]["data"]) != 10:
        raise RuntimeError(f"the home screen is not the demo runner's full screen: {home}")
    return response.content


@contextmanager
def demo_system(tmp: Path) -> Iterator[tuple[subprocess.Popen[str], str, dict[str, str]]]:
    """The whole system with the demo runner's year, logged in through the dashboard: the
    launcher, the dashboard's URL and the session's cookies."""
    env = system_environment(tmp)
    with running_system(env) as (launcher, _):
        subprocess.run(
            [sys.executable, "-m", "runnerly_launcher", "demo"],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
        )
        dashboard = service_url(env, "dashboard")
        yield launcher, dashboard, _logged_in(dashboard)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=200.0, help="requests a second")
    parser.add_argument("--seconds", type=float, default=30.0, help="of load per line")
    args = parser.parse_args()

    results: list[PacedResult] = []
    with tempfile.TemporaryDirectory(prefix="runnerly-bench-") as tmp:
        with demo_system(Path(tmp)) as (_, dashboard, cookies):
            body = _warm(dashboard + HOME, cookies)
            results.append(
                paced_load(
                    "BFF home (session, users + runs in parallel)",
                    dashboard + HOME,
                    rate=args.rate,
                    seconds=args.seconds,
                    cookies=cookies,
                )
            )
        body_file = Path(tmp) / "home.json"
        body_file.write_bytes(body)
        bare_env = {"BENCH_BODY_FILE": str(body_file), "BENCH_PATH": HOME}
        with uvicorn_server("bench.apps:bare_body", env=bare_env) as bare:
            _ = httpx.get(bare + HOME).raise_for_status()
            results.append(
                paced_load(
                    "bare FastAPI, same body",
                    bare + HOME,
                    rate=args.rate,
                    seconds=args.seconds,
                )
            )

    print("| endpoint | rate asked | rate served | p50 ms | p90 ms | p99 ms | max ms | failures |")
    print("|---|---|---|---|---|---|---|---|")
    for result in results:
        print(result.row())
    home = results[0]
    verdict = "met" if home.p99_ms < TARGET_P99_MS and home.failures == 0 else "NOT met"
    print(f"target p99 < {TARGET_P99_MS:.0f} ms at {args.rate:.0f}/s: {verdict}")
    save_results(
        "dashboard_home",
        {
            "machine": platform.platform(),
            "body_bytes": len(body),
            "rate": args.rate,
            "seconds": args.seconds,
            "results": [vars(r) for r in results],
        },
    )


if __name__ == "__main__":
    main()
