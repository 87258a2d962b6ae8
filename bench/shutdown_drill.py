"""A drill, not a benchmark: SIGTERM to ``runnerly up`` while 20 requests are in flight.

    python -m bench.shutdown_drill [--uploads 10] [--creates 10]

Starts ``.venv/bin/runnerly up`` on free ports in a fresh temporary data folder
(as :mod:`bench.launcher_bench` does), signs a runner up, activates and logs
them in through the real services and the mail sink, then sends ``--uploads``
GPX uploads (their bodies streamed slowly, so they are still arriving) and
``--creates`` runs by hand at once, and sends SIGTERM to the launcher while they
are in flight. It reports every answer, and, once the launcher has exited,
reads the runs service's database: every run a 2xx acknowledged must be there,
with its ``runs.run.created.v1`` event published (no outbox row left
unpublished), and no run may exist that was not acknowledged.

Exit status 0 when every request got a 2xx or a JSON 503 and nothing was lost.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import signal
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from bench.launcher_bench import RUNNERLY, running_system, service_url, system_environment
from runnerly_runs.testing.samples import synthetic_run, to_gpx

PASSWORD = "a long and quiet morning run"


def _runnerly(env: dict[str, str], *args: str, stdin: str = "") -> str:
    done = subprocess.run(
        [str(RUNNERLY), *args], env=env, input=stdin, capture_output=True, text=True, check=True
    )
    return done.stdout


async def runner_token(env: dict[str, str], users: str) -> str:
    email = "drill@example.org"
    async with httpx.AsyncClient(timeout=60) as http:
        response = await http.post(
            f"{users}/v1/accounts", json={"email": email, "password": PASSWORD, "name": "Drill"}
        )
        response.raise_for_status()
        for _ in range(600):  # the activation email goes through the outbox and the mailer
            mail = _runnerly(env, "mail", "--last")
            if found := re.search(r"token=([A-Za-z0-9_\-]+)", mail):
                break
            await asyncio.sleep(0.1)
        else:
            raise RuntimeError("no activation email")
        response = await http.post(f"{users}/v1/activations", json={"token": found[1]})
        response.raise_for_status()
    return _runnerly(env, "login", email, stdin=PASSWORD + "\n").strip()


async def _slowly(body: bytes, started: asyncio.Event) -> AsyncIterator[bytes]:
    # A runner on a slow uplink: the upload is still arriving when SIGTERM lands.
    started.set()
    for offset in range(0, len(body), 16_384):
        yield body[offset : offset + 16_384]
        await asyncio.sleep(0.05)


def _upload(index: int) -> tuple[bytes, str]:
    start = datetime(2026, 6, 1, 7, tzinfo=UTC) + timedelta(days=index)
    gpx = to_gpx(synthetic_run(start=start, points=3_600))
    boundary = f"drill{index}"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; '
        f'filename="run{index}.gpx"\r\nContent-Type: application/gpx+xml\r\n\r\n'
    ).encode()
    return head + gpx + f"\r\n--{boundary}--\r\n".encode(), boundary


def _answer(response: httpx.Response | BaseException) -> tuple[str, bool]:
    """A line for the report, and whether the answer is acceptable (2xx or a JSON 503)."""
    if isinstance(response, BaseException):
        return f"no answer: {type(response).__name__}: {response}", False
    if response.is_success:
        return f"{response.status_code}", True
    try:
        code = response.json()["error"]["code"]
    except (ValueError, KeyError, TypeError):
        return f"{response.status_code} (not JSON: {response.text[:60]!r})", False
    retry = response.headers.get("retry-after")
    ok = response.status_code == 503
    return f"{response.status_code} {code} (Retry-After: {retry})", ok


async def _drill(
    launcher: subprocess.Popen[str], runs: str, token: str, args: argparse.Namespace
) -> list[httpx.Response | BaseException]:
    headers = {"authorization": f"Bearer {token}"}
    started = [asyncio.Event() for _ in range(args.uploads)]
    async with httpx.AsyncClient(base_url=runs, headers=headers, timeout=120) as http:
        calls = []
        for index in range(args.uploads):
            body, boundary = _upload(index)
            calls.append(
                http.post(
                    "/v1/runs/imports",
                    content=_slowly(body, started[index]),
                    headers={"content-type": f"multipart/form-data; boundary={boundary}"},
                )
            )
        for index in range(args.creates):
            when = datetime(2026, 7, 1, 18, tzinfo=UTC) + timedelta(days=index)
            calls.append(
                http.post(
                    "/v1/runs",
                    json={
                        "title": f"Track session {index}",
                        "started_at": when.isoformat(),
                        "distance_m": 8_000,
                        "moving_time_s": 2_400,
                    },
                )
            )
        in_flight = asyncio.gather(*calls, return_exceptions=True)
        await asyncio.gather(*(event.wait() for event in started))
        os.kill(launcher.pid, signal.SIGTERM)  # to `runnerly up` itself, as a terminal's kill
        return await in_flight


def outbox_unpublished(database: Path) -> int:
    """How many events of a service's SQLite database wait in its outbox."""
    with sqlite3.connect(database) as db:
        row = db.execute("SELECT count(*) FROM outbox WHERE published_at IS NULL").fetchone()
    return int(row[0])


def _database_check(data_dir: Path) -> tuple[int, int]:
    """Runs stored, and outbox rows not yet published, in the runs service's database."""
    path = next(data_dir.rglob("runs.db"))
    with sqlite3.connect(path) as db:
        stored = db.execute("SELECT count(*) FROM runs").fetchone()[0]
    return int(stored), outbox_unpublished(path)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--uploads", type=int, default=10)
    parser.add_argument("--creates", type=int, default=10)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="runnerly-drill-") as folder:
        data_dir = Path(folder) / "var"
        env = system_environment(data_dir)
        with running_system(env) as (launcher, lines):
            token = asyncio.run(runner_token(env, service_url(env, "users")))
            answers = asyncio.run(_drill(launcher, service_url(env, "runs"), token, args))
            exit_code = launcher.wait(timeout=180)
        stored, pending = _database_check(data_dir)
    verdicts = [_answer(answer) for answer in answers]
    acknowledged = sum(1 for a in answers if isinstance(a, httpx.Response) and a.is_success)
    report = {
        "answers": [line for line, _ in verdicts],
        "acknowledged": acknowledged,
        "runs_stored": stored,
        "outbox_unpublished": pending,
        "launcher_exit_code": exit_code,
    }
    print(json.dumps(report, indent=2))
    print("".join(line for line in lines if "stopped" in line or "exited" in line), end="")
    good = all(ok for _, ok in verdicts) and stored == acknowledged and pending == 0
    print("PASS" if good else "FAIL")
    return 0 if good else 1


if __name__ == "__main__":
    sys.exit(main())
