"""Processes and load for the benchmarks: uvicorn servers, a NATS server, and wrk.

Every server runs as its own process with the same uvicorn settings (one
worker, uvloop, httptools, no access log), and wrk drives it from another
process over loopback, so the figures are those of a real deployment of one
replica on this machine, not of an in-process test client.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

import httpx

from runnerly_kit.testing.ports import free_port

RESULTS = Path(__file__).parent / "results"

UVICORN_ARGS = ("--loop", "uvloop", "--http", "httptools", "--no-access-log", "--workers", "1")


@dataclass(frozen=True)
class LoadResult:
    """What one wrk run measured."""

    name: str
    requests_per_second: float
    p50_ms: float
    p99_ms: float
    non_2xx: int
    errors: int

    def row(self) -> str:
        return (
            f"| {self.name} | {self.requests_per_second:,.0f} | {self.p50_ms:.2f} | "
            f"{self.p99_ms:.2f} | {self.non_2xx + self.errors} |"
        )


@contextmanager
def uvicorn_server(target: str, *, env: Mapping[str, str]) -> Iterator[str]:
    """Serve the app factory ``module:callable`` in its own process; yield its base URL."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", target, "--factory", "--port", str(port)]
    command += UVICORN_ARGS
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            command, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT
        )
        try:
            _wait_until_up(url, process, log)
            yield url
        finally:
            process.terminate()
            process.wait(timeout=15)


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: IO[bytes]) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            log.seek(0)
            raise RuntimeError(f"server exited:\n{log.read().decode()}")
        try:
            # Any HTTP answer (even 404 on an app without /healthz) means it listens.
            httpx.get(f"{url}/healthz", timeout=1)
        except httpx.TransportError:
            time.sleep(0.1)
        else:
            return
    raise RuntimeError(f"{url} did not start")


_LUA_POST = """
wrk.method = "POST"
wrk.body = {body!r}
wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"
"""


def wrk(
    name: str,
    url: str,
    *,
    headers: Mapping[str, str] | None = None,
    form_body: str | None = None,
    seconds: int = 10,
    connections: int = 32,
    delay_ms: float | None = None,
) -> LoadResult:
    """Drive ``url`` with wrk for ``seconds`` and parse what it reports.

    ``delay_ms`` paces each connection: it waits that long after each answer
    before its next request, so that the load stays below the server's peak
    (wrk measures latency from send to answer, the pause excluded).
    """
    binary = shutil.which("wrk")
    if binary is None:
        raise RuntimeError("wrk is not installed: apt-get install wrk (see bench/README.md)")
    command = [binary, "-t", "1", "-c", str(connections), "-d", f"{seconds}s", "--latency"]
    for key, value in (headers or {}).items():
        command += ["-H", f"{key}: {value}"]
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as script:
        if form_body is not None:
            script.write(_LUA_POST.format(body=form_body).replace("'", '"'))
        if delay_ms is not None:
            script.write(f"function delay()\n  return {round(delay_ms)}\nend\n")
    command += ["-s", script.name, url]
    try:
        output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    finally:
        Path(script.name).unlink()
    return _parse(name, output)


def _parse(name: str, output: str) -> LoadResult:
    rps = float(_find(r"Requests/sec:\s+([\d.]+)", output))
    non_2xx = int(_find(r"Non-2xx or 3xx responses:\s+(\d+)", output, "0"))
    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", output))
    return LoadResult(
        name,
        rps,
        _milliseconds(_find(r"\s50%\s+([\d.]+\w+)", output)),
        _milliseconds(_find(r"\s99%\s+([\d.]+\w+)", output)),
        non_2xx,
        errors,
    )


def _find(pattern: str, text: str, default: str | None = None) -> str:
    match = re.search(pattern, text)
    if match is None:
        if default is not None:
            return default
        raise RuntimeError(f"wrk output lacks {pattern!r}:\n{text}")
    return match.group(1)


def _milliseconds(value: str) -> float:
    number, unit = re.match(r"([\d.]+)(\w+)", value).groups()  # type: ignore[union-attr]
    return float(number) * {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]


def save_results(name: str, figures: Mapping[str, Any]) -> None:
    """Write a benchmark's figures to ``bench/results/<name>.json``."""
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / f"{name}.json").write_text(json.dumps(figures, indent=2) + "\n")
