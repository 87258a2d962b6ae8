"""Benchmark: a runner's "last 10 runs", beside bare FastAPI returning the same body.

Run: ``uv run python -m bench.last_runs_bench``. Writes ``bench/results/last_runs.json``
and prints the table for RESULTS.md.

The real endpoint does all it does in production: it verifies the runner's
EdDSA token against the token dealer's JWKS, reads the runner's ten latest
runs from SQLite (a database seeded with this runner's runs among other
runners'), and answers their JSON. The bare endpoint is plain FastAPI
answering the very same bytes from memory. Both are one uvicorn worker each.

Load: wrk at full speed for the peak, then paced (each connection pausing
between requests) at about half the real endpoint's peak, for its p99 there.
"""

from __future__ import annotations

import argparse
import asyncio
import platform
import secrets
import tempfile
import uuid
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx

from bench.harness import LoadResult, save_results, uvicorn_server, wrk
from bench.runner import RUNNER, runs_environment, tokendealer_with_runner
from runnerly_kit.columns import utcnow
from runnerly_kit.db import Database
from runnerly_kit.migrations import migrate_service
from runnerly_kit.testing.nats import NatsServer
from runnerly_runs.dependencies import Context
from runnerly_runs.manifest import MANIFEST as RUNS
from runnerly_runs.recording import from_file
from runnerly_runs.runs.service import store
from runnerly_runs.settings import RunsSettings
from runnerly_runs.testing.samples import synthetic_run
from runnerly_runs.tracks import ImportedFile

#: The benchmarked runner's runs, and how many other runners share the table.
RUNNER_RUNS = 60
OTHER_RUNNERS = 200
OTHER_RUNS_EACH = 10
_ANSWER_AT_LIGHT_LOAD_MS = 1.0


async def seed(database_url: str) -> None:
    """The runner's runs from (synthetic) watch files, others' runs beside them."""
    await migrate_service(RUNS.migrations_dir, database_url)
    db = Database(database_url)
    settings = RunsSettings(database_url=database_url)
    start = datetime(2026, 6, 1, 7, tzinfo=UTC)
    try:
        for index in range(RUNNER_RUNS):
            track = synthetic_run(start=start + timedelta(days=index), points=2400, seed=index)
            imported = ImportedFile(f"run{index}.fit", "fit", secrets.token_hex(32), track)
            async with db.transaction() as session:
                await store(Context(session, settings, utcnow()), RUNNER, from_file(imported))
        for other in range(OTHER_RUNNERS):
            runner = str(uuid.UUID(int=1000 + other))
            async with db.transaction() as session:
                context = Context(session, settings, utcnow())
                for index in range(OTHER_RUNS_EACH):
                    track = synthetic_run(
                        start=start + timedelta(days=index, hours=other % 12),
                        points=120,
                        seed=other,
                    )
                    imported = ImportedFile("x.gpx", "gpx", secrets.token_hex(32), track)
                    await store(context, runner, from_file(imported))
    finally:
        await db.dispose()


def run(seconds: int, connections: int) -> dict[str, object]:
    with tempfile.TemporaryDirectory() as tmp:
        data = Path(tmp)
        nats = NatsServer(store_dir=data / "nats")
        nats.start()
        runs_url = f"sqlite+aiosqlite:///{data / 'runs.db'}"
        asyncio.run(seed(runs_url))
        try:
            with tokendealer_with_runner(data, nats.url) as (tokendealer, token):
                headers = {"Authorization": f"Bearer {token}"}
                runs_env = runs_environment(runs_url, nats.url, tokendealer)
                with uvicorn_server(RUNS.app_factory, env=runs_env) as runs:
                    answer = httpx.get(f"{runs}/v1/runs/last", headers=headers)
                    answer.raise_for_status()
                    body = answer.content
                    assert len(answer.json()["runs"]) == 10
                    body_file = data / "body.json"
                    body_file.write_bytes(body)
                    with uvicorn_server(
                        "bench.apps:bare_last_runs", env={"BENCH_BODY_FILE": str(body_file)}
                    ) as bare:
                        assert httpx.get(f"{bare}/v1/runs/last").content == body
                        bare_peak = wrk(
                            "bare GET /v1/runs/last",
                            f"{bare}/v1/runs/last",
                            seconds=seconds,
                            connections=connections,
                        )
                        real_peak = wrk(
                            "runs GET /v1/runs/last (token, SQLite, JSON)",
                            f"{runs}/v1/runs/last",
                            headers=headers,
                            seconds=seconds,
                            connections=connections,
                        )
                        half = paced(
                            f"{runs}/v1/runs/last", headers, real_peak, seconds, connections
                        )
        finally:
            nats.stop()
    return {
        "machine": f"{platform.machine()} Python {platform.python_version()}",
        "load": f"wrk -t1 -c{connections} -d{seconds}s",
        "body_bytes": len(body),
        "results": [r.__dict__ for r in (bare_peak, real_peak, half)],
        "ratio": real_peak.requests_per_second / bare_peak.requests_per_second,
    }


def paced(
    url: str, headers: dict[str, str], peak: LoadResult, seconds: int, connections: int
) -> LoadResult:
    """The endpoint at about half its peak: each connection pauses between requests."""
    # Each connection sends, waits for the answer (about a millisecond when the
    # server is not saturated), then pauses: rate = connections / (pause + answer).
    per_connection = peak.requests_per_second / 2 / connections
    delay_ms = max(1.0, 1000 / per_connection - _ANSWER_AT_LIGHT_LOAD_MS)
    return wrk(
        "runs GET /v1/runs/last at half its peak",
        url,
        headers=headers,
        seconds=seconds,
        connections=connections,
        delay_ms=delay_ms,
    )


def table(figures: dict[str, object]) -> str:
    rows = [LoadResult(**r).row() for r in figures["results"]]  # type: ignore[attr-defined]
    return "\n".join(
        [
            "| endpoint | requests/s | p50 ms | p99 ms | errors |",
            "|---|---:|---:|---:|---:|",
            *rows,
            "",
            f"- last 10 runs / bare: **{figures['ratio']:.2f}** (target ≥ 0.50)",
            f"- body: {figures['body_bytes']:,} bytes",
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=32)
    args = parser.parse_args()
    figures = run(args.seconds, args.connections)
    save_results("last_runs", figures)
    print(table(figures))


if __name__ == "__main__":
    main()
