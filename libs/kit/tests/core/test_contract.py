"""The contract helper: schemathesis passes a correct served app and catches a broken one."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any

import pytest
from fastapi import APIRouter, FastAPI, Header, Path, Request
from fastapi.responses import JSONResponse, PlainTextResponse
from pydantic import BaseModel, ConfigDict, Field

from runnerly_kit.errors import NotFound, Unauthenticated
from runnerly_kit.http_errors import install_error_handlers
from runnerly_kit.openapi import ErrorBody
from runnerly_kit.testing.contract import (
    ContractError,
    check_contract,
    check_contract_sync,
    check_openapi_document,
)
from runnerly_kit.testing.servers import serve

ERRORS: dict[int | str, dict[str, Any]] = {
    status: {"model": ErrorBody, "description": "An error."} for status in (400, 404, 422)
}


class NewThing(BaseModel):
    # Strict: the document says "integer", so true or "5" must be refused, not coerced.
    model_config = ConfigDict(strict=True)

    name: Annotated[str, Field(min_length=1, max_length=40)]
    size: Annotated[int, Field(ge=0, le=1_000)]


class Thing(NewThing):
    id: int


def things_router(
    *, crash_on_big: bool = False, off_schema: bool = False, as_text: bool = False
) -> APIRouter:
    """A small, correct API; the flags plant one bug each."""
    router = APIRouter(prefix="/v1/things", responses=ERRORS)

    @router.post("", status_code=201, operation_id="create_thing")
    async def create_thing(thing: NewThing) -> Thing:
        if crash_on_big and thing.size > 10:
            raise RuntimeError("a bug that only big things reach")
        return Thing(id=1, **thing.model_dump())

    @router.get("/{thing_id}", operation_id="get_thing", response_model=Thing)
    async def get_thing(thing_id: Annotated[int, Path(ge=1)]) -> Any:
        if thing_id > 100:
            raise NotFound("No such thing.")
        if off_schema:
            return JSONResponse({"id": thing_id, "name": None})
        if as_text:
            return PlainTextResponse(f"thing {thing_id}")
        return Thing(id=thing_id, name="shoe", size=thing_id)

    return router


def app_with(*routers: APIRouter) -> FastAPI:
    app = FastAPI(title="things", version="1")
    install_error_handlers(app)
    for router in routers:
        app.include_router(router)
    return app


async def test_a_correct_service_passes() -> None:
    """Valid and invalid requests to every operation all get documented, well-formed answers."""
    async with serve(app_with(things_router())) as url:
        await check_contract(url)


async def test_a_strict_service_rejects_every_invalid_request() -> None:
    """With reject_invalid, every generated invalid request must get a 4xx; strict models do."""
    async with serve(app_with(things_router())) as url:
        await check_contract(url, reject_invalid=True)


async def test_accepting_invalid_input_fails_only_when_asked() -> None:
    """A handler that takes any body passes by default and fails with reject_invalid=True."""
    router = APIRouter(responses=ERRORS)
    body_schema = NewThing.model_json_schema()

    @router.post(
        "/v1/notes",
        status_code=204,
        operation_id="add_note",
        openapi_extra={
            "requestBody": {
                "required": True,
                "content": {"application/json": {"schema": body_schema}},
            }
        },
    )
    async def add_note(request: Request) -> None:
        await request.body()  # the document promises validation; the handler does none

    async with serve(app_with(router)) as url:
        await check_contract(url, max_examples=10)
        with pytest.raises(ContractError, match="Schema-violating request accepted"):
            await check_contract(url, max_examples=10, reject_invalid=True)


async def test_a_server_error_on_some_input_fails_the_contract() -> None:
    """A 500 that only some generated input reaches is found and reported with a replay."""
    async with serve(app_with(things_router(crash_on_big=True))) as url:
        with pytest.raises(ContractError) as caught:
            await check_contract(url)

    message = str(caught.value)
    assert "POST /v1/things (positive cases)" in message
    assert "Server error" in message
    assert "curl -X POST" in message
    assert "GET /v1/things/{thing_id}" not in message


async def test_a_body_off_its_schema_fails_the_contract() -> None:
    """A response whose body does not match the documented schema is caught."""
    async with serve(app_with(things_router(off_schema=True))) as url:
        with pytest.raises(ContractError) as caught:
            await check_contract(url, negative=False)

    message = str(caught.value)
    assert "GET /v1/things/{thing_id} (positive cases)" in message
    assert "Response violates schema" in message


async def test_an_undocumented_content_type_fails_the_contract() -> None:
    """A text/plain answer where JSON is documented is caught."""
    async with serve(app_with(things_router(as_text=True))) as url:
        with pytest.raises(ContractError, match="Undocumented Content-Type"):
            await check_contract(url, negative=False)


async def test_an_undocumented_status_fails_unless_the_right_headers_are_sent() -> None:
    """An undocumented 401 fails; the caller's headers (a token) go with every generated case."""
    router = APIRouter()

    @router.get("/v1/me", operation_id="who_am_i")
    async def who_am_i(
        authorization: Annotated[str | None, Header(include_in_schema=False)] = None,
    ) -> dict[str, str]:
        if authorization != "Bearer good":
            raise Unauthenticated("A bearer token is required.")
        return {"name": "ann"}

    async with serve(app_with(router)) as url:
        with pytest.raises(ContractError, match="Undocumented status code"):
            await check_contract(url, max_examples=5)
        await check_contract(url, headers={"Authorization": "Bearer good"}, max_examples=5)


async def test_excluded_operations_are_not_exercised() -> None:
    """An operation named in exclude_operations is skipped; the others are still checked."""
    async with serve(app_with(things_router(crash_on_big=True))) as url:
        await check_contract(url, exclude_operations={"create_thing"})


async def test_excluding_an_unknown_operation_is_an_error() -> None:
    """A typo in exclude_operations fails loudly instead of silently checking less."""
    async with serve(app_with(things_router())) as url:
        with pytest.raises(ContractError, match="not in the document: \\['create_thnig'\\]"):
            await check_contract(url, exclude_operations={"create_thnig"})


async def test_the_sync_form_works_from_a_thread_without_a_loop() -> None:
    """check_contract_sync checks a service served elsewhere (here: the test's loop)."""
    async with serve(app_with(things_router(crash_on_big=True))) as url:
        with pytest.raises(ContractError, match="Server error"):
            await asyncio.to_thread(check_contract_sync, url, negative=False)


async def test_the_sync_form_refuses_to_block_a_running_loop() -> None:
    """Called on a loop's thread, check_contract_sync refuses instead of deadlocking the server."""
    with pytest.raises(RuntimeError, match="await check_contract"):
        check_contract_sync("http://127.0.0.1:1")


def document(paths: dict[str, Any], version: str = "3.1.0") -> dict[str, Any]:
    return {"openapi": version, "info": {"title": "t", "version": "1"}, "paths": paths}


def test_the_document_must_be_openapi_3_1() -> None:
    """An OpenAPI 3.0 document is refused."""
    with pytest.raises(ContractError, match=r"OpenAPI 3\.0\.2, not 3\.1"):
        check_openapi_document(document({}, version="3.0.2"))


def test_every_operation_needs_an_operation_id() -> None:
    """An operation without an operationId is named in the failure."""
    paths = {
        "/v1/things": {
            "parameters": [],
            "get": {"operationId": "list_things", "responses": {}},
            "post": {"responses": {}},
        }
    }

    with pytest.raises(ContractError, match="POST /v1/things has no operationId"):
        check_openapi_document(document(paths))


def test_operation_ids_must_be_unique() -> None:
    """Two operations sharing an operationId are refused (a generated client would clash)."""
    paths = {
        "/v1/things": {"get": {"operationId": "things", "responses": {}}},
        "/v2/things": {"get": {"operationId": "things", "responses": {}}},
    }

    with pytest.raises(ContractError, match="operationId 'things' is used 2 times"):
        check_openapi_document(document(paths))


def test_a_good_document_passes() -> None:
    """A 3.1 document with unique ids on every operation passes."""
    paths = {
        "/v1/things": {
            "get": {"operationId": "list_things", "responses": {}},
            "post": {"operationId": "create_thing", "responses": {}},
        }
    }

    check_openapi_document(document(paths))
