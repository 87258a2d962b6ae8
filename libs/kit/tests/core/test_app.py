"""The app factory: health, readiness, metrics, OpenAPI and lifespan of a created service."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated, Any

import httpx
import pytest
from fastapi import APIRouter, Path
from pydantic import BaseModel, Field
from pydantic_settings import SettingsConfigDict
from sqlalchemy import Column, Integer, MetaData, String, Table, insert, select
from sqlalchemy.pool import QueuePool

from runnerly_kit.app import ServiceDefinition, create_app
from runnerly_kit.errors import NotFound
from runnerly_kit.events import BrokerUnavailable, include_kit_tables
from runnerly_kit.openapi import ErrorBody
from runnerly_kit.runtime import Runtime
from runnerly_kit.sessions import ReadSessionDep, SessionDep
from runnerly_kit.settings import ServiceSettings
from runnerly_kit.testing.contract import check_contract, check_openapi_document
from runnerly_kit.testing.nats import NatsServer
from runnerly_kit.testing.plugin import TestDatabase
from runnerly_kit.testing.ports import free_port
from runnerly_kit.testing.servers import serve
from runnerly_kit.testing.waiting import eventually


class ThingsSettings(ServiceSettings):
    model_config = SettingsConfigDict(env_prefix="THINGS_")
    service_name = "things"


class NewThing(BaseModel):
    name: Annotated[str, Field(min_length=1, max_length=40)]


class Thing(NewThing):
    id: int


router = APIRouter(prefix="/v1/things", tags=["things"])


metadata = MetaData()
include_kit_tables(metadata)  # the outbox, for the service with a broker
things = Table(
    "things",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(40), nullable=False),
)
# The column is a 32-bit INTEGER: a larger id must be refused (422), not reach
# the database (a 500 on PostgreSQL, which the contract test found).
ThingId = Annotated[int, Path(ge=1, le=2**31 - 1)]


@router.post("", status_code=201)
async def create_thing(thing: NewThing, session: SessionDep) -> Thing:
    result = await session.execute(insert(things).values(name=thing.name).returning(things.c.id))
    return Thing(id=result.scalar_one(), name=thing.name)


@router.get("/{thing_id}", responses={404: {"model": ErrorBody, "description": "No such thing."}})
async def get_thing(thing_id: ThingId, session: ReadSessionDep) -> Thing:
    row = (await session.execute(select(things).where(things.c.id == thing_id))).first()
    if row is None:
        raise NotFound("No such thing.", details={"thing_id": thing_id})
    return Thing(id=row.id, name=row.name)


async def create_tables(runtime: Runtime) -> None:
    async with runtime.db.engine.begin() as connection:
        await connection.run_sync(metadata.create_all)


def things_app(settings: ThingsSettings, **definition: Any) -> Any:
    """The things service, as a service's app.py builds it."""
    definition.setdefault("uses_broker", False)
    definition.setdefault("needs_token_keys", False)
    definition["on_startup"] = [create_tables, *definition.get("on_startup", ())]
    return create_app(
        settings,
        ServiceDefinition(title="things", version="1.0.0", routers=[router], **definition),
    )


def settings_from_env(monkeypatch: pytest.MonkeyPatch, **values: str) -> ThingsSettings:
    """Settings read from THINGS_* variables, the way the service reads them at start-up."""
    values.setdefault("log_level", "WARNING")
    for name, value in values.items():
        monkeypatch.setenv(f"THINGS_{name.upper()}", value)
    return ThingsSettings()


@pytest.fixture
def settings(monkeypatch: pytest.MonkeyPatch, test_database: TestDatabase) -> ThingsSettings:
    return settings_from_env(
        monkeypatch, database_url=test_database.url, database_schema=test_database.schema
    )


@pytest.fixture
async def client(settings: ThingsSettings) -> AsyncIterator[httpx.AsyncClient]:
    async with serve(things_app(settings)) as url, httpx.AsyncClient(base_url=url) as http:
        yield http


async def test_healthz_answers_while_alive(client: httpx.AsyncClient) -> None:
    """/healthz is 200 whenever the process serves requests; without a broker it says so."""
    response = await client.get("/healthz")

    assert (response.status_code, response.json()) == (
        200,
        {
            "status": "ok",
            "details": {"broker": "not_used", "outbox_pending": None, "outbox_lag_seconds": None},
        },
    )


async def test_readyz_is_ready_when_the_database_answers(client: httpx.AsyncClient) -> None:
    """/readyz is 200 and lists the database and keys checks (SQLite, then PostgreSQL)."""
    response = await client.get("/readyz")

    assert response.status_code == 200
    assert response.json() == {
        "status": "ready",
        "checks": {"database": "ok", "keys": "not_needed"},
    }


async def test_readyz_names_an_unreachable_database(monkeypatch: pytest.MonkeyPatch) -> None:
    """With the database down, /readyz is 503 and names the failing check; /healthz stays 200."""
    dead = f"postgresql+asyncpg://postgres@127.0.0.1:{free_port()}/things"
    settings = settings_from_env(monkeypatch, database_url=dead)
    definition = ServiceDefinition(
        title="things", version="1", uses_broker=False, needs_token_keys=False
    )
    app = create_app(settings, definition)

    async with serve(app) as url, httpx.AsyncClient(base_url=url) as http:
        ready = await http.get("/readyz")
        alive = await http.get("/healthz")

    assert ready.status_code == 503
    assert ready.json() == {
        "status": "unavailable",
        "checks": {"database": "unavailable: ConnectionRefusedError", "keys": "not_needed"},
    }
    assert alive.status_code == 200


async def test_a_created_app_serves_its_routes_in_one_transaction_each(
    client: httpx.AsyncClient,
) -> None:
    """Startup hooks run before the first request; a write is readable by the next request."""
    created = await client.post("/v1/things", json={"name": "shoe"})
    fetched = await client.get(f"/v1/things/{created.json()['id']}")
    missing = await client.get("/v1/things/999")

    assert created.status_code == 201
    assert fetched.json() == created.json()
    assert missing.status_code == 404
    assert missing.json()["error"] == {
        "code": "not_found",
        "message": "No such thing.",
        "details": {"thing_id": 999},
    }


async def test_metrics_are_served_by_route_template(client: httpx.AsyncClient) -> None:
    """/metrics counts requests under the route template, and is not part of the API document."""
    await client.get("/v1/things/41")
    await client.get("/v1/things/42")

    metrics = (await client.get("/metrics")).text
    document = (await client.get("/openapi.json")).json()

    assert (
        'http_requests_total{method="GET",route="/v1/things/{thing_id}",status="404"} 2.0'
        in metrics
    )
    assert "/v1/things/41" not in metrics
    assert "/metrics" not in document["paths"]


async def test_openapi_is_3_1_with_stable_operation_ids(client: httpx.AsyncClient) -> None:
    """The document is OpenAPI 3.1; operation ids are the handlers' names, unique."""
    document = (await client.get("/openapi.json")).json()

    check_openapi_document(document)
    operation_ids = {
        operation["operationId"]
        for path_item in document["paths"].values()
        for operation in path_item.values()
    }
    assert operation_ids == {"healthz", "readyz", "create_thing", "get_thing"}


async def test_a_created_app_honours_its_own_contract(settings: ThingsSettings) -> None:
    """schemathesis finds no 5xx and no answer off the document on a service built by the kit."""
    async with serve(things_app(settings)) as url:
        await check_contract(url, max_examples=15)


async def test_healthz_reports_the_broker_and_the_outbox(
    monkeypatch: pytest.MonkeyPatch, nats_server: NatsServer, settings: ThingsSettings
) -> None:
    """With a broker, /healthz says it is connected and how much the outbox holds; /readyz
    does not check the broker."""
    monkeypatch.setenv("THINGS_NATS_URL", nats_server.url)
    app = things_app(ThingsSettings(), uses_broker=True)

    async with serve(app) as url, httpx.AsyncClient(base_url=url) as http:
        ready = await http.get("/readyz")

        async def outbox_counted() -> dict[str, Any] | None:
            details: dict[str, Any] = (await http.get("/healthz")).json()["details"]
            return details if details["outbox_pending"] is not None else None

        details = await eventually(outbox_counted, what="the outbox counted")
        metrics = (await http.get("/metrics")).text

    assert ready.json()["checks"] == {"database": "ok", "keys": "not_needed"}
    assert details == {"broker": "connected", "outbox_pending": 0, "outbox_lag_seconds": 0}
    assert "broker_connected 1.0" in metrics


async def test_a_service_starts_and_is_ready_while_the_broker_is_down(
    monkeypatch: pytest.MonkeyPatch, own_nats_server: NatsServer, settings: ThingsSettings
) -> None:
    """Without its broker the service starts and is ready (the outbox holds events); /healthz
    says disconnected, then connected once the broker appears."""
    own_nats_server.stop()
    monkeypatch.setenv("THINGS_NATS_URL", own_nats_server.url)
    monkeypatch.setenv("THINGS_BROKER_CONNECT_TIMEOUT_SECONDS", "0.3")
    app = things_app(ThingsSettings(), uses_broker=True)

    async with serve(app) as url, httpx.AsyncClient(base_url=url) as http:
        ready = await http.get("/readyz")
        before = (await http.get("/healthz")).json()["details"]["broker"]
        own_nats_server.start()

        async def connected() -> bool:
            details: dict[str, str] = (await http.get("/healthz")).json()["details"]
            return details["broker"] == "connected"

        await eventually(connected, what="the broker connected")

    assert ready.status_code == 200
    assert before == "disconnected"


async def test_shutdown_closes_what_the_lifespan_opened(
    monkeypatch: pytest.MonkeyPatch, nats_server: NatsServer, settings: ThingsSettings
) -> None:
    """On shutdown, workers are cancelled and the broker, HTTP client and engine are closed."""
    monkeypatch.setenv("THINGS_NATS_URL", nats_server.url)
    runtimes: list[Runtime] = []
    worker_cancelled = asyncio.Event()

    async def remember(runtime: Runtime) -> None:
        runtimes.append(runtime)

    async def worker(_runtime: Runtime) -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            worker_cancelled.set()
            raise

    app = things_app(ThingsSettings(), uses_broker=True, on_startup=[remember], workers=[worker])
    async with serve(app) as url, httpx.AsyncClient(base_url=url) as http:
        assert (await http.get("/readyz")).status_code == 200
        (runtime,) = runtimes
        assert not worker_cancelled.is_set()
        pool = runtime.db.engine.pool
        assert isinstance(pool, QueuePool)
        assert pool.checkedin() >= 1

    assert worker_cancelled.is_set()
    assert runtime.http.raw.is_closed
    assert runtime.broker is not None
    with pytest.raises(BrokerUnavailable):
        await runtime.broker.ping()
    assert pool.checkedin() == 0
