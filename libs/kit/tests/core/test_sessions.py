"""The session a request owns: committed before the response, rolled back when the handler fails."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass

import httpx
import pytest
from fastapi import APIRouter, FastAPI
from pydantic import BaseModel
from sqlalchemy import text

from runnerly_kit.errors import Conflict, Forbidden
from runnerly_kit.sessions import ReadSessionDep, SessionDep
from runnerly_kit.testing.plugin import TestDatabase
from runnerly_kit.testing.servers import serve

MakeApp = Callable[..., FastAPI]

SCHEMA = [
    "CREATE TABLE parents (id INTEGER PRIMARY KEY)",
    "CREATE TABLE things (id INTEGER PRIMARY KEY, name VARCHAR(50) NOT NULL,"
    " parent_id INTEGER REFERENCES parents (id) DEFERRABLE INITIALLY DEFERRED)",
    "INSERT INTO parents (id) VALUES (1)",
]


class NewThing(BaseModel):
    id: int
    name: str
    parent_id: int | None = None


router = APIRouter(prefix="/v1/things")


async def insert(session: SessionDep, thing: NewThing) -> None:
    await session.execute(
        text("INSERT INTO things (id, name, parent_id) VALUES (:id, :name, :parent_id)"),
        thing.model_dump(),
    )


@router.post("", status_code=201)
async def create_thing(thing: NewThing, session: SessionDep) -> NewThing:
    await insert(session, thing)
    return thing


@router.post("/then-crash")
async def create_then_crash(thing: NewThing, session: SessionDep) -> NewThing:
    await insert(session, thing)
    raise RuntimeError("bug after the write")


@router.post("/then-conflict")
async def create_then_conflict(thing: NewThing, session: SessionDep) -> NewThing:
    await insert(session, thing)
    raise Conflict("Changed my mind.")


@router.post("/then-refuse-but-record")
async def create_then_refuse(thing: NewThing, session: SessionDep) -> NewThing:
    await insert(session, thing)
    raise Forbidden("Refused, and the attempt is recorded.", keep_changes=True)


@router.get("")
async def list_things(session: ReadSessionDep) -> list[str]:
    rows = await session.execute(text("SELECT name FROM things ORDER BY id"))
    return list(rows.scalars())


@dataclass
class Service:
    http: httpx.AsyncClient
    database: TestDatabase

    async def names(self) -> list[str]:
        """What the database holds, read over a connection of the test's own."""
        db = self.database.open()
        try:
            async with db.transaction(write=False) as session:
                rows = await session.execute(text("SELECT name FROM things ORDER BY id"))
                return list(rows.scalars())
        finally:
            await db.dispose()


@pytest.fixture
async def service(test_database: TestDatabase, make_app: MakeApp) -> AsyncIterator[Service]:
    db = test_database.open()
    async with db.transaction() as session:
        for statement in SCHEMA:
            await session.execute(text(statement))
    await db.dispose()
    app = make_app(router, database_url=test_database.url, database_schema=test_database.schema)
    async with serve(app) as url, httpx.AsyncClient(base_url=url) as http:
        yield Service(http, test_database)


async def test_a_successful_write_is_committed_before_the_response(service: Service) -> None:
    """When the client gets its 201, the row is already visible to any other connection."""
    response = await service.http.post("/v1/things", json={"id": 1, "name": "shoe"})

    assert response.status_code == 201
    assert await service.names() == ["shoe"]


async def test_a_failed_commit_is_never_reported_as_success(service: Service) -> None:
    """A commit that fails (a deferred foreign key) answers 500, not the handler's 201."""
    response = await service.http.post(
        "/v1/things", json={"id": 1, "name": "orphan", "parent_id": 99}
    )

    assert response.status_code == 500
    assert response.json()["error"]["code"] == "internal"
    assert "orphan" not in response.text
    assert await service.names() == []


async def test_a_crash_after_a_write_leaves_nothing_behind(service: Service) -> None:
    """A handler that writes then raises is rolled back and answers the 500 envelope."""
    response = await service.http.post("/v1/things/then-crash", json={"id": 1, "name": "shoe"})

    assert response.status_code == 500
    assert response.json() == {
        "error": {"code": "internal", "message": "An unexpected error occurred.", "details": None}
    }
    assert await service.names() == []


async def test_a_service_error_after_a_write_rolls_back(service: Service) -> None:
    """A handler that writes then raises a RunnerlyError is rolled back and answers its envelope."""
    response = await service.http.post("/v1/things/then-conflict", json={"id": 1, "name": "shoe"})

    assert response.status_code == 409
    assert response.json()["error"]["code"] == "conflict"
    assert await service.names() == []


async def test_an_error_raised_to_keep_changes_commits_them(service: Service) -> None:
    """A refusal worth recording (keep_changes=True) commits the write and answers the error."""
    response = await service.http.post(
        "/v1/things/then-refuse-but-record", json={"id": 1, "name": "attempt"}
    )

    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"
    assert await service.names() == ["attempt"]


async def test_one_failed_request_does_not_affect_the_next(service: Service) -> None:
    """After a rolled-back request the pool hands out a clean session."""
    await service.http.post("/v1/things/then-crash", json={"id": 1, "name": "lost"})
    await service.http.post("/v1/things", json={"id": 2, "name": "kept"})

    response = await service.http.get("/v1/things")

    assert response.json() == ["kept"]
