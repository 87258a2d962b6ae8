"""Graceful shutdown of a real service process: uvicorn run the way the launcher runs it.

Requests are held inside the app (until a line on its stdin) or mid-upload
(until the test sends the rest of the body), so SIGTERM always arrives while
they are in flight, without any timing guess.
"""

from __future__ import annotations

import asyncio
import json
import os
import signal
import sqlite3
import sys
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pytest

from runnerly_kit.testing.events import EventLog
from runnerly_kit.testing.nats import NatsServer
from runnerly_kit.testing.ports import free_port
from runnerly_kit.testing.waiting import eventually

FIXTURES = Path(__file__).parent / "fixtures"
NOTE_WRITTEN = "kit.note.written.v1"
CHUNK = b"x" * 65_536


@dataclass
class ServiceProcess:
    """The outbox service under ``python -m uvicorn``, its stdout read line by line."""

    process: asyncio.subprocess.Process
    base_url: str
    database: Path
    stderr: Path
    lines: list[dict[str, Any]] = field(default_factory=list)
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)

    async def read_stdout(self) -> None:
        assert self.process.stdout is not None
        async for raw in self.process.stdout:
            line = raw.decode().strip()
            if line.startswith("{"):
                self.lines.append(json.loads(line))
                self._arrived.set()

    def count(self, event: str) -> int:
        return sum(1 for line in self.lines if line.get("event") == event)

    async def wait_for(self, event: str, n: int = 1, *, within: float = 60) -> None:
        """Until the service has logged ``event`` ``n`` times."""

        async def seen() -> bool:
            if self.count(event) >= n:
                return True
            if self.process.returncode is not None:
                code = self.process.returncode
                raise AssertionError(
                    f"the service exited ({code}): {self.lines}\n{self.stderr.read_text()}"
                )
            return False

        await eventually(seen, within=within, what=f"{n} {event!r} lines")

    def release_held_requests(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.write(b"release\n")


@pytest.fixture
async def start_service(tmp_path: Path, own_nats_server: NatsServer) -> AsyncIterator[Any]:
    """Start the outbox service as its own process with the given graceful-shutdown timeout."""
    started: list[tuple[ServiceProcess, asyncio.Task[None]]] = []

    async def start(grace: int) -> ServiceProcess:
        port = free_port()
        database = tmp_path / "outbox.db"
        stderr = tmp_path / f"stderr-{len(started)}.log"  # why it failed, if it does
        env = {
            **os.environ,
            "OUTBOX_PORT": str(port),
            "OUTBOX_DATABASE_URL": f"sqlite+aiosqlite:///{database}",
            "OUTBOX_NATS_URL": own_nats_server.url,
        }
        with stderr.open("wb") as sink:
            process = await asyncio.create_subprocess_exec(
                *(sys.executable, "-m", "uvicorn", "--factory", "outbox_service:create_app"),
                *("--app-dir", str(FIXTURES), "--host", "127.0.0.1", "--port", str(port)),
                *("--lifespan", "on", "--no-access-log", "--log-level", "warning"),
                *("--timeout-graceful-shutdown", str(grace)),
                stdin=asyncio.subprocess.PIPE,
                stdout=asyncio.subprocess.PIPE,
                stderr=sink,
                env=env,
            )
        service = ServiceProcess(process, f"http://127.0.0.1:{port}", database, stderr)
        started.append((service, asyncio.create_task(service.read_stdout())))
        # A busy machine takes a while to import a service.
        await service.wait_for("service_started", within=180)
        return service

    yield start
    for service, reader in started:
        if service.process.returncode is None:
            service.process.kill()
            await service.process.wait()
        await reader
        if service.process.stdin is not None:
            service.process.stdin.close()


def unpublished_events(database: Path) -> int:
    with sqlite3.connect(database) as connection:
        (count,) = connection.execute(
            "SELECT count(*) FROM outbox WHERE published_at IS NULL"
        ).fetchone()
    connection.close()
    return int(count)


def is_json_503(response: httpx.Response) -> bool:
    return (
        response.status_code == 503
        and response.headers["content-type"] == "application/json"
        and response.json()["error"]["code"] == "shutting_down"
        and "retry-after" in response.headers
    )


async def test_sigterm_finishes_in_flight_requests_and_publishes_their_events(
    start_service: Any, own_nats_server: NatsServer
) -> None:
    """SIGTERM with 20 requests in flight (10 uploads mid-body): all 20 are answered 201,
    new requests get a JSON 503 or find the port closed, and every acknowledged write's
    event is on the broker, with nothing left in the outbox, once the process has exited."""
    service: ServiceProcess = await start_service(grace=30)
    events = await EventLog.open(own_nats_server.url)
    rest_of_uploads = asyncio.Event()

    async def upload_body() -> AsyncIterator[bytes]:
        yield CHUNK
        await rest_of_uploads.wait()
        for _ in range(8):
            yield CHUNK

    try:
        async with httpx.AsyncClient(base_url=service.base_url, timeout=60) as http:
            held = [asyncio.create_task(http.post("/v1/held-notes")) for _ in range(10)]
            uploads = [
                asyncio.create_task(http.post("/v1/uploads", content=upload_body()))
                for _ in range(10)
            ]
            await service.wait_for("held", 10)
            await service.wait_for("upload_started", 10)

            service.process.send_signal(signal.SIGTERM)
            await service.wait_for("shutdown_started")
            late: list[httpx.Response | httpx.TransportError] = []
            for _ in range(3):
                try:
                    async with httpx.AsyncClient(base_url=service.base_url) as fresh:
                        late.append(await fresh.post("/v1/notes"))
                except httpx.TransportError as error:
                    late.append(error)
            rest_of_uploads.set()
            service.release_held_requests()
            answered = await asyncio.gather(*held, *uploads)
        exit_code = await service.process.wait()
        acknowledged = {response.json()["id"] for response in answered}
        published = await events.wait_for_all(len(acknowledged), NOTE_WRITTEN)
    finally:
        await events.close()

    assert [response.status_code for response in answered] == [201] * 20
    assert {response.json()["size"] for response in answered[10:]} == {9 * len(CHUNK)}
    assert all(
        is_json_503(r) if isinstance(r, httpx.Response) else isinstance(r, httpx.TransportError)
        for r in late
    ), late
    assert exit_code == -signal.SIGTERM
    assert acknowledged <= {event.data["note_id"] for event in published}
    assert unpublished_events(service.database) == 0
    logged = [line["event"] for line in service.lines]
    assert logged.index("shutdown_started") < logged.index("outbox_flushed")
    assert logged.index("outbox_flushed") < logged.index("service_stopped")


async def test_requests_cut_by_the_grace_timeout_get_a_json_503(start_service: Any) -> None:
    """Requests still running when uvicorn's graceful-shutdown timeout cuts them are answered
    with the JSON 503 ``shutting_down`` and ``Retry-After``, never a plain-text 500, and
    nothing of theirs is written."""
    service: ServiceProcess = await start_service(grace=1)

    async with httpx.AsyncClient(base_url=service.base_url, timeout=60) as http:
        held = [asyncio.create_task(http.post("/v1/held-notes")) for _ in range(5)]
        await service.wait_for("held", 5)
        service.process.send_signal(signal.SIGTERM)
        answered = await asyncio.gather(*held)
    exit_code = await service.process.wait()

    assert all(is_json_503(response) for response in answered), [r.text for r in answered]
    assert exit_code == -signal.SIGTERM
    assert service.count("request_cut_by_shutdown") == 5
    with sqlite3.connect(service.database) as connection:
        assert connection.execute("SELECT count(*) FROM notes").fetchone() == (0,)
    connection.close()
