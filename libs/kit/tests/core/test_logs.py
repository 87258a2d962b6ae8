"""Structured JSON logs, read from a real service process's stdout, and its graceful shutdown."""

from __future__ import annotations

import asyncio
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from runnerly_kit.testing.ports import free_port

SERVICE = Path(__file__).parent / "fixtures" / "log_service.py"
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"

Line = dict[str, Any]


@dataclass
class ServiceProcess:
    """The service running in a process of its own, its stdout going to a file."""

    process: subprocess.Popen[bytes]
    base_url: str
    stdout: Path

    def lines(self) -> list[Line]:
        """Every line written so far, each parsed as JSON (a non-JSON line fails the test)."""
        text = self.stdout.read_text()
        return [json.loads(line) for line in text.splitlines() if line.strip()]

    async def wait_for(self, predicate: Callable[[Line], bool]) -> list[Line]:
        """The lines matching ``predicate``, once there is at least one.

        The access line is written after the response is sent, so the client
        may see the response a moment before the line exists.
        """
        deadline = time.monotonic() + 60  # a bound on failure, not a wait
        while time.monotonic() < deadline:
            found = [line for line in self.lines() if predicate(line)]
            if found:
                return found
            await asyncio.sleep(0.02)
        raise AssertionError(f"no matching log line in:\n{self.stdout.read_text()}")


def start_service(tmp_path: Path, **settings: str) -> ServiceProcess:
    port = free_port()
    stdout = tmp_path / "stdout.log"
    env = {
        **os.environ,
        "LOGSVC_PORT": str(port),
        "LOGSVC_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'logsvc.db'}",
        "LOGSVC_LOG_LEVEL": "INFO",
        **{f"LOGSVC_{name.upper()}": value for name, value in settings.items()},
    }
    with stdout.open("wb") as sink:
        process = subprocess.Popen([sys.executable, str(SERVICE)], stdout=sink, env=env)
    base_url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 120  # a bound on failure: a busy machine starts slowly
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"service exited: {stdout.read_text()}")
        try:
            if httpx.get(f"{base_url}/healthz").status_code == 200:
                return ServiceProcess(process, base_url, stdout)
        except httpx.TransportError:
            time.sleep(0.05)
    process.kill()
    process.wait()  # reaped, or its Popen warns in whichever test collects it
    raise RuntimeError("service did not start")


def stop_service(service: ServiceProcess) -> int:
    service.process.send_signal(signal.SIGTERM)
    try:
        return service.process.wait(timeout=120)
    except subprocess.TimeoutExpired:
        service.process.kill()
        service.process.wait()
        raise


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Iterator[ServiceProcess]:
    running = start_service(tmp_path_factory.mktemp("logsvc"))
    yield running
    stop_service(running)


@pytest.fixture
async def client(service: ServiceProcess) -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(base_url=service.base_url) as http:
        yield http


async def test_each_request_is_one_json_access_line(
    service: ServiceProcess, client: httpx.AsyncClient
) -> None:
    """One access line per request: request id, route template, status, duration, service."""
    await client.get("/v1/things/42", headers={"X-Request-ID": "req-access"})

    (line,) = await service.wait_for(
        lambda line: line.get("request_id") == "req-access" and line["event"] == "request"
    )
    assert (line["method"], line["route"], line["status"]) == ("GET", "/v1/things/{thing_id}", 200)
    assert line["service"] == "logsvc"
    assert line["logger"] == "runnerly.request"
    assert line["level"] == "info"
    assert line["duration_ms"] >= 0
    assert line["timestamp"].endswith("Z")


async def test_a_created_request_id_is_the_one_logged(
    service: ServiceProcess, client: httpx.AsyncClient
) -> None:
    """Without X-Request-ID, the id the service made is both returned and logged."""
    response = await client.get("/v1/things/1")
    request_id = response.headers["x-request-id"]

    lines = await service.wait_for(lambda line: line.get("request_id") == request_id)
    assert {line["event"] for line in lines} >= {"thing_read"}


async def test_handler_lines_carry_request_and_trace_ids(
    service: ServiceProcess, client: httpx.AsyncClient
) -> None:
    """A handler's own line is tagged with the request id and the caller's trace id."""
    await client.get(
        "/v1/things/7", headers={"X-Request-ID": "req-handler", "traceparent": TRACEPARENT}
    )

    (line,) = await service.wait_for(
        lambda line: line.get("request_id") == "req-handler" and line["event"] == "thing_read"
    )
    assert line["thing_id"] == 7
    assert line["trace_id"] == TRACE_ID
    assert line["logger"] == "logsvc.things"


async def test_secrets_passed_to_a_logger_are_masked(
    service: ServiceProcess, client: httpx.AsyncClient
) -> None:
    """A secret handed to a logger by mistake is written as ***."""
    await client.get("/v1/things/3", headers={"X-Request-ID": "req-secret"})

    (line,) = await service.wait_for(
        lambda line: line.get("request_id") == "req-secret" and line["event"] == "thing_read"
    )
    assert line["password"] == "***"
    assert "hunter2" not in service.stdout.read_text()


async def test_an_unexpected_error_is_logged_with_its_traceback(
    service: ServiceProcess, client: httpx.AsyncClient
) -> None:
    """The operator gets the traceback in one JSON line; the client gets none of it."""
    response = await client.get("/v1/boom", headers={"X-Request-ID": "req-boom"})

    assert response.status_code == 500
    assert "broken invariant" not in response.text
    (line,) = await service.wait_for(
        lambda line: line.get("request_id") == "req-boom" and line["event"] == "unhandled_error"
    )
    assert line["level"] == "error"
    assert "ValueError: broken invariant" in line["exception"]


async def test_every_stdout_line_is_json(
    service: ServiceProcess, client: httpx.AsyncClient
) -> None:
    """Everything on stdout -- ours, uvicorn's, SQLAlchemy's -- is one JSON object per line."""
    await client.get("/readyz")
    await client.get("/v1/nowhere")

    lines = service.lines()

    assert lines
    assert all(isinstance(line, dict) and "event" in line and "level" in line for line in lines)
    assert {"service_started"} <= {line["event"] for line in lines}


async def test_readable_logs_reach_stdout_while_the_service_runs(tmp_path: Path) -> None:
    """With readable logs (the launcher's default), now buffered like JSON ones, a handler's
    line and the access line still reach stdout while the service runs, secrets masked."""
    service = start_service(tmp_path, log_json="false")
    try:
        async with httpx.AsyncClient(base_url=service.base_url) as http:
            assert (await http.get("/v1/things/7")).status_code == 200
        deadline = time.monotonic() + 60  # a bound on failure, not a wait
        text = ""
        while "thing_read" not in text or "/v1/things/{thing_id}" not in text:
            assert time.monotonic() < deadline, text
            await asyncio.sleep(0.02)
            text = service.stdout.read_text()
        assert "hunter2" not in text
        assert not text.lstrip().startswith("{")
    finally:
        stop_service(service)


async def test_shutdown_finishes_in_flight_requests(tmp_path: Path) -> None:
    """On SIGTERM the service stops accepting, finishes the request in flight, then closes down."""
    service = start_service(tmp_path)
    try:
        async with httpx.AsyncClient(base_url=service.base_url, timeout=30) as http:
            # Long enough that the refusal of new connections is seen even on a busy machine.
            in_flight = asyncio.create_task(http.get("/v1/slow", params={"seconds": 3.0}))
            await service.wait_for(lambda line: line["event"] == "slow_started")

            service.process.send_signal(signal.SIGTERM)
            refused = False
            while not refused and not in_flight.done():
                try:
                    async with httpx.AsyncClient(base_url=service.base_url) as fresh:
                        await fresh.get("/healthz")
                except httpx.ConnectError:
                    refused = True
                await asyncio.sleep(0.02)
            response = await in_flight
        exit_code = await asyncio.to_thread(service.process.wait, 20)
    finally:
        if service.process.poll() is None:
            service.process.kill()
            service.process.wait()

    assert response.status_code == 200
    assert response.json() == {"status": "finished"}
    assert refused, "a new connection was accepted while shutting down"
    # uvicorn re-raises the signal once shut down, as a process manager expects.
    assert exit_code == -signal.SIGTERM
    events = [line["event"] for line in service.lines()]
    slow_done = next(i for i, line in enumerate(service.lines()) if line.get("route") == "/v1/slow")
    assert events.index("slow_started") < slow_done < events.index("service_stopped")
