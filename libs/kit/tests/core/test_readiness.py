"""Readiness means "can serve": a database whose pages can be read, and the token keys loaded.

The broker is not part of it: during an outage writes still succeed through
the outbox, and the outage shows in ``/healthz`` and the metrics instead.
"""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path
from typing import Any

import httpx
import nats
import pytest
from cryptography.hazmat.primitives.asymmetric import ed25519
from jwt.algorithms import OKPAlgorithm
from libs.kit.tests.core.fixtures.outbox_service import OutboxServiceSettings, create_app
from pydantic_settings import SettingsConfigDict
from sqlalchemy import event, text
from sqlalchemy.exc import DatabaseError
from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from runnerly_kit.app import ServiceDefinition
from runnerly_kit.app import create_app as create_service_app
from runnerly_kit.db import Database, DatabaseCorrupt
from runnerly_kit.events import EVENTS_STREAM
from runnerly_kit.health import Readiness
from runnerly_kit.settings import ServiceSettings
from runnerly_kit.testing.nats import NatsServer
from runnerly_kit.testing.plugin import TestDatabase
from runnerly_kit.testing.ports import free_port
from runnerly_kit.testing.servers import serve
from runnerly_kit.testing.waiting import eventually

PAGE = 4096


class KeysSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="KEYS_")
    service_name = "keys"


def metric(text: str, name: str) -> float:
    """The value of an unlabelled sample in a Prometheus exposition."""
    for line in text.splitlines():
        if line.startswith(f"{name} "):
            return float(line.split()[1])
    raise AssertionError(f"no {name} in the metrics")


def corrupt_sqlite_file(path: Path) -> None:
    """A real SQLite file with a table of many pages, the second half of it overwritten."""
    create_sqlite_file(path)
    overwrite_second_half(path)


def create_sqlite_file(path: Path) -> None:
    """A real SQLite file with a table of many pages (the root and first leaf at the start)."""
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode=DELETE")
        connection.execute("CREATE TABLE notes (id INTEGER PRIMARY KEY, kind TEXT, size INTEGER)")
        connection.executemany(
            "INSERT INTO notes (kind, size) VALUES (?, ?)",
            ((f"note-{n:06d}-" + "x" * 60, n) for n in range(20_000)),
        )
    connection.close()


def overwrite_second_half(path: Path) -> None:
    """Garbage over the second half of the file's pages; its header and schema stay intact."""
    pages = path.stat().st_size // PAGE
    with path.open("r+b") as file:
        file.seek(pages // 2 * PAGE)
        file.write(b"\xde\xad\xbe\xef" * (PAGE // 4) * (pages - pages // 2))


async def test_a_corrupt_database_file_makes_the_service_unready(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """On an SQLite file whose pages are garbage (its header and schema intact), /readyz is
    503 naming the database; /healthz stays 200."""
    database = tmp_path / "outbox.db"
    corrupt_sqlite_file(database)
    monkeypatch.setenv("OUTBOX_DATABASE_URL", f"sqlite+aiosqlite:///{database}")
    app = create_service_app(
        OutboxServiceSettings(),
        ServiceDefinition(title="outbox", version="1", uses_broker=False, needs_token_keys=False),
    )

    async with serve(app) as url, httpx.AsyncClient(base_url=url) as http:
        ready = await http.get("/readyz")
        alive = await http.get("/healthz")

    assert ready.status_code == 503
    assert ready.json()["status"] == "unavailable"
    assert ready.json()["checks"]["database"].startswith(
        "unavailable: DatabaseCorrupt: SQLite quick_check: *** in database main *** Page "
    )
    assert alive.status_code == 200


async def test_a_query_that_met_a_corrupt_page_makes_the_next_check_read_every_page(
    tmp_path: Path,
) -> None:
    """Between two full page checks the cheap read misses corruption deep in a table; once a
    request's query has met a corrupt page, the next check reads every page and fails."""
    path = tmp_path / "notes.db"
    create_sqlite_file(path)
    db = Database(f"sqlite+aiosqlite:///{path}")
    try:
        await db.ping()  # the full check ran; the next one is a minute away
        await db.engine.dispose()  # no connection keeps pages of the file in its cache
        overwrite_second_half(path)
        await db.ping()  # the schema and each table's first page still read fine

        with pytest.raises(DatabaseError):
            async with db.engine.connect() as connection:
                await connection.execute(text("SELECT sum(size) FROM notes"))
        with pytest.raises(DatabaseCorrupt):
            await db.ping()
    finally:
        await db.dispose()


async def test_the_database_check_reads_real_pages(test_database: TestDatabase) -> None:
    """The database check reads each table (SQLite, then PostgreSQL), and a storm of probes
    within the cache period costs one check."""
    db = test_database.open()
    statements: list[str] = []
    event.listen(
        db.engine.sync_engine,
        "before_cursor_execute",
        lambda *args: statements.append(args[2]),
    )
    now = [0.0]
    readiness = Readiness(db, None, cache_seconds=1.0, clock=lambda: now[0])
    try:
        async with db.engine.begin() as connection:
            await connection.exec_driver_sql("CREATE TABLE shoes (id INTEGER PRIMARY KEY)")
        statements.clear()

        verdicts = await asyncio.gather(*(readiness.checks() for _ in range(20)))
        checked = len(statements)
        now[0] = 1.0
        await readiness.checks()
    finally:
        await db.dispose()

    assert verdicts == [{"database": "ok", "keys": "not_needed"}] * 20
    storm, next_period = statements[:checked], statements[checked:]
    assert sum("FROM shoes" in statement for statement in storm) == 1
    assert sum("FROM shoes" in statement for statement in next_period) == 1


def jwks_app(key: ed25519.Ed25519PrivateKey) -> Starlette:
    jwk = {**OKPAlgorithm.to_jwk(key.public_key(), as_dict=True), "kid": "k1", "alg": "EdDSA"}

    async def jwks(_request: Request) -> JSONResponse:
        return JSONResponse({"keys": [jwk]})

    return Starlette(routes=[Route("/.well-known/jwks.json", jwks)])


async def test_a_service_started_without_its_token_keys_is_ready_once_it_has_them(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """Started while the JWKS is unreachable, the service is not ready (naming the keys);
    once the JWKS answers, the readiness check fetches it and the service is ready."""
    jwks_port = free_port()
    monkeypatch.setenv("KEYS_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'keys.db'}")
    monkeypatch.setenv("KEYS_JWKS_URL", f"http://127.0.0.1:{jwks_port}/.well-known/jwks.json")
    app = create_service_app(
        KeysSettings(), ServiceDefinition(title="keys", version="1", uses_broker=False)
    )

    async with serve(app) as url, httpx.AsyncClient(base_url=url) as http:
        before = await http.get("/readyz")
        async with serve(jwks_app(ed25519.Ed25519PrivateKey.generate()), port=jwks_port):

            async def ready() -> httpx.Response | None:
                response = await http.get("/readyz")
                return response if response.status_code == 200 else None

            after = await eventually(ready, what="ready with the keys")

    assert before.status_code == 503
    assert before.json()["checks"]["database"] == "ok"
    assert before.json()["checks"]["keys"].startswith("unavailable: ")
    assert after.json() == {"status": "ready", "checks": {"database": "ok", "keys": "ok"}}


async def test_a_broker_outage_leaves_the_service_ready_and_its_writes_published_later(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, own_nats_server: NatsServer
) -> None:
    """With the broker stopped the service stays ready and its writes succeed; /healthz and
    the metrics show the broker disconnected and the outbox holding the events; once the
    broker is back they are all published."""
    monkeypatch.setenv("OUTBOX_DATABASE_URL", f"sqlite+aiosqlite:///{tmp_path / 'outbox.db'}")
    monkeypatch.setenv("OUTBOX_NATS_URL", own_nats_server.url)
    app = create_app(OutboxServiceSettings(), read_stdin=False)

    async with serve(app) as url, httpx.AsyncClient(base_url=url) as http:
        own_nats_server.stop()

        async def disconnected() -> dict[str, Any] | None:
            details: dict[str, Any] = (await http.get("/healthz")).json()["details"]
            return details if details["broker"] == "disconnected" else None

        await eventually(disconnected, what="the broker seen as gone")
        writes = [await http.post("/v1/notes") for _ in range(5)]
        ready = await http.get("/readyz")

        async def all_held() -> dict[str, Any] | None:
            details: dict[str, Any] = (await http.get("/healthz")).json()["details"]
            return details if details["outbox_pending"] == 5 else None

        during = await eventually(all_held, what="the outbox counting the 5 events")
        metrics = (await http.get("/metrics")).text

        own_nats_server.start()

        async def drained() -> dict[str, Any] | None:
            details: dict[str, Any] = (await http.get("/healthz")).json()["details"]
            return details if details["outbox_pending"] == 0 else None

        # The relay marks an event published only once the broker has stored it.
        after = await eventually(drained, what="the outbox drained")
    inspector = await nats.connect(own_nats_server.url)
    try:
        stored = (await inspector.jetstream().stream_info(EVENTS_STREAM)).state.messages
    finally:
        await inspector.close()

    assert [write.status_code for write in writes] == [201] * 5
    assert ready.status_code == 200
    assert during["broker"] == "disconnected"
    assert during["outbox_lag_seconds"] > 0
    assert metric(metrics, "broker_connected") == 0
    assert metric(metrics, "outbox_pending") == 5
    assert metric(metrics, "outbox_lag_seconds") > 0
    assert after == {"broker": "connected", "outbox_pending": 0, "outbox_lag_seconds": 0}
    assert stored == 5
