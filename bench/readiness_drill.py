"""A drill, not a benchmark: what the real ``runs`` service's ``/readyz`` says when things break.

    python -m bench.readiness_drill

Starts ``runnerly up`` on free ports in a fresh data folder (as
:mod:`bench.shutdown_drill`), gets a runner's token, notes how the launcher
started the broker, the token dealer and ``runs``, stops it, then runs those
three by hand, the same way, to break them one at a time:

1. ``runs`` restarted while the token dealer is down: not ready (no keys); then
   the token dealer starts and ``runs`` becomes ready by itself.
2. The broker stopped: ``runs`` stays ready, a run is still created (its event
   waits in the outbox), ``/healthz`` says the broker is disconnected; the broker
   back, the event is published.
3. ``runs`` restarted on a database file with corrupt pages: not ready, and it
   says the database is why.

Prints what each probe answered; exit status 0 when every step is as above.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import psutil

from bench.launcher_bench import running_system, service_url, system_environment
from bench.shutdown_drill import outbox_unpublished, runner_token


@dataclass
class Recipe:
    """How the launcher started one process: enough to start it again by hand."""

    argv: list[str]
    env: dict[str, str]


def _recipes(launcher: subprocess.Popen[str]) -> dict[str, Recipe]:
    found: dict[str, Recipe] = {}
    for child in psutil.Process(launcher.pid).children(recursive=True):
        argv = child.cmdline()
        if "--factory" in argv:
            name = argv[argv.index("--factory") + 1].split(".")[0].removeprefix("runnerly_")
        elif argv and argv[0].endswith("nats-server"):
            name = "broker"
        else:
            continue
        found[name] = Recipe(argv, child.environ())
    return found


def _spawn(recipe: Recipe) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        recipe.argv, env=recipe.env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )


def _stop(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGTERM)
    process.wait(timeout=60)


async def _until(check: Any, what: str, within: float = 120) -> Any:
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        with_result = await check()
        if with_result:
            return with_result
        await asyncio.sleep(0.2)
    raise RuntimeError(f"timed out waiting for {what}")


async def _get(url: str) -> httpx.Response | None:
    try:
        async with httpx.AsyncClient(timeout=10) as http:
            return await http.get(url)
    except httpx.TransportError:
        return None


def _corrupt(database: Path) -> None:
    # Garbage over every page but the first (the header): the schema still reads,
    # the tables' pages do not.
    size = database.stat().st_size
    with database.open("r+b") as file:
        file.seek(4096)
        file.write(b"\xa5" * (size - 4096))


async def _drill(recipes: dict[str, Recipe], runs: str, token: str, database: Path) -> list[str]:
    seen: list[str] = []
    failures: list[str] = []

    def expect(ok: bool, line: str) -> None:
        seen.append(("ok   " if ok else "FAIL ") + line)
        if not ok:
            failures.append(line)

    async def probe(path: str) -> httpx.Response:
        response = await _until(lambda: _get(f"{runs}{path}"), f"{path} to answer")
        assert isinstance(response, httpx.Response)
        return response

    broker = _spawn(recipes["broker"])
    service = _spawn(recipes["runs"])
    ready = await probe("/readyz")
    expect(ready.status_code == 503, f"token dealer down, runs restarted: /readyz {ready.text}")
    tokendealer = _spawn(recipes["tokendealer"])

    async def is_ready() -> bool:
        return (await probe("/readyz")).status_code == 200

    await _until(is_ready, "runs to become ready once the token dealer is up")
    ready = await probe("/readyz")
    expect(ready.status_code == 200, f"token dealer up: /readyz {ready.text}")

    _stop(broker)

    async def broker_down() -> bool:
        details: dict[str, Any] = (await probe("/healthz")).json()["details"]
        return bool(details["broker"] == "disconnected")

    await _until(broker_down, "runs to notice the broker is gone")
    ready = await probe("/readyz")
    expect(ready.status_code == 200, f"broker stopped: /readyz {ready.status_code} {ready.text}")
    async with httpx.AsyncClient(timeout=30) as http:
        created = await http.post(
            f"{runs}/v1/runs",
            headers={"authorization": f"Bearer {token}"},
            json={
                "title": "Track session",
                "started_at": "2026-11-20T18:00:00+01:00",
                "distance_m": 8000,
                "moving_time_s": 2400,
            },
        )
    pending = outbox_unpublished(database)
    expect(
        created.status_code == 201 and pending >= 1,
        f"broker stopped: POST /v1/runs {created.status_code} {created.text[:80]}, "
        f"{pending} event(s) in the outbox",
    )
    health = await probe("/healthz")
    details = health.json()["details"]
    expect(
        details["broker"] == "disconnected" and details["outbox_pending"] >= 1,
        f"broker stopped: /healthz {health.text}",
    )
    broker = _spawn(recipes["broker"])

    async def published() -> bool:
        return outbox_unpublished(database) == 0

    await _until(published, "the outbox to be published once the broker is back")
    left = outbox_unpublished(database)
    expect(left == 0, f"broker back: {left} event(s) left in the outbox (all published)")

    _stop(service)
    _corrupt(database)
    service = _spawn(recipes["runs"])
    ready = await probe("/readyz")
    expect(
        ready.status_code == 503 and "database" in ready.text,
        f"corrupt database file: /readyz {ready.status_code} {ready.text}",
    )
    for process in (service, tokendealer, broker):
        _stop(process)
    return seen + ([f"{len(failures)} step(s) failed"] if failures else ["PASS"])


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="runnerly-drill-") as folder:
        data_dir = Path(folder) / "var"
        env = system_environment(data_dir)
        with running_system(env) as (launcher, _):
            token = asyncio.run(runner_token(env, service_url(env, "users")))
            recipes = _recipes(launcher)
            os.killpg(launcher.pid, signal.SIGINT)
            launcher.wait(timeout=120)
        database = next(data_dir.rglob("runs.db"))
        lines = asyncio.run(_drill(recipes, service_url(env, "runs"), token, database))
    print("\n".join(lines))
    return 0 if lines[-1] == "PASS" else 1


if __name__ == "__main__":
    sys.exit(main())
