"""Every error leaves a service as the JSON envelope, the framework's own errors included."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Annotated, Any

import httpx
import pytest
import pytest_asyncio
from fastapi import APIRouter, FastAPI, Form
from pydantic import BaseModel

from runnerly_kit.errors import NotFound, Unauthenticated
from runnerly_kit.testing.servers import serve

MakeApp = Callable[..., FastAPI]
SECRET_DETAIL = "db password is hunter2"


class Thing(BaseModel):
    name: str
    size: int


router = APIRouter(prefix="/v1")


@router.get("/things/{thing_id}")
async def get_thing(thing_id: int) -> Thing:
    if thing_id != 1:
        raise NotFound("No such thing.", details={"thing_id": thing_id})
    return Thing(name="one", size=1)


@router.post("/things", status_code=201)
async def create_thing(thing: Thing) -> Thing:
    return thing


@router.post("/labels")
async def create_label(name: Annotated[str, Form()]) -> dict[str, str]:
    return {"name": name}


@router.get("/private")
async def private() -> dict[str, str]:
    raise Unauthenticated("A bearer token is required.", headers={"WWW-Authenticate": "Bearer"})


@router.get("/boom")
async def boom() -> dict[str, str]:
    raise RuntimeError(SECRET_DETAIL)


@router.get("/key-error")
async def key_error() -> dict[str, str]:
    nothing: dict[str, str] = {}
    return {"name": nothing["missing"]}


# One server for the module: these tests only read answers, so they can share it.
pytestmark = pytest.mark.asyncio(loop_scope="module")


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def client(make_app: MakeApp) -> AsyncIterator[httpx.AsyncClient]:
    async with serve(make_app(router)) as url, httpx.AsyncClient(base_url=url) as http:
        yield http


def envelope(response: httpx.Response, status: int, code: str) -> dict[str, Any]:
    """Assert the response is the JSON error envelope and return its ``error`` member."""
    assert response.status_code == status, response.text
    assert response.headers["content-type"] == "application/json"
    assert response.headers["x-request-id"]
    body = response.json()
    assert set(body) == {"error"}
    assert set(body["error"]) == {"code", "message", "details"}
    assert body["error"]["code"] == code
    assert isinstance(body["error"]["message"], str)
    assert body["error"]["message"]
    error: dict[str, Any] = body["error"]
    return error


async def test_a_raised_error_becomes_the_envelope(client: httpx.AsyncClient) -> None:
    """A handler raising NotFound answers 404 with its message and details."""
    error = envelope(await client.get("/v1/things/7"), 404, "not_found")

    assert error == {"code": "not_found", "message": "No such thing.", "details": {"thing_id": 7}}


async def test_an_error_carries_its_headers(client: httpx.AsyncClient) -> None:
    """Headers an error asks for (WWW-Authenticate on a 401) reach the client."""
    response = await client.get("/v1/private")

    envelope(response, 401, "unauthenticated")
    assert response.headers["www-authenticate"] == "Bearer"


async def test_unknown_route_is_a_404_envelope(client: httpx.AsyncClient) -> None:
    """The framework's own 404 is the envelope, not ``{"detail": ...}``."""
    envelope(await client.get("/v1/nowhere"), 404, "not_found")


async def test_wrong_method_is_a_405_envelope(client: httpx.AsyncClient) -> None:
    """The framework's 405 is the envelope and keeps its Allow header."""
    response = await client.delete("/v1/things")

    envelope(response, 405, "method_not_allowed")
    assert response.headers["allow"] == "POST"


async def test_invalid_path_parameter_is_a_422_envelope(client: httpx.AsyncClient) -> None:
    """A path parameter of the wrong type is a 422 naming where it was."""
    error = envelope(await client.get("/v1/things/abc"), 422, "invalid_input")

    assert error["details"][0]["location"] == ["path", "thing_id"]


async def test_invalid_body_is_a_422_envelope_listing_each_field(
    client: httpx.AsyncClient,
) -> None:
    """A body failing validation lists every bad field, with its location and reason."""
    error = envelope(await client.post("/v1/things", json={"size": "big"}), 422, "invalid_input")

    locations = {tuple(item["location"]) for item in error["details"]}
    assert locations == {("body", "name"), ("body", "size")}
    assert all(item["message"] and item["type"] for item in error["details"])


async def test_malformed_json_is_a_422_envelope(client: httpx.AsyncClient) -> None:
    """A body that is not JSON at all is refused with the envelope."""
    response = await client.post(
        "/v1/things", content=b'{"name": "x",', headers={"content-type": "application/json"}
    )

    error = envelope(response, 422, "invalid_input")
    assert error["details"][0]["type"] == "json_invalid"


async def test_malformed_multipart_body_is_a_400_envelope(client: httpx.AsyncClient) -> None:
    """A multipart body without a boundary is a 400 envelope, not a stack trace."""
    response = await client.post(
        "/v1/labels", content=b"garbage", headers={"content-type": "multipart/form-data"}
    )

    envelope(response, 400, "bad_request")


async def test_form_missing_a_field_is_a_422_envelope(client: httpx.AsyncClient) -> None:
    """A form body missing a required field is a 422 envelope naming it."""
    error = envelope(await client.post("/v1/labels", data={"other": "x"}), 422, "invalid_input")

    assert error["details"][0]["location"] == ["body", "name"]


@pytest.mark.parametrize("path", ["/v1/boom", "/v1/key-error"])
async def test_unexpected_exception_is_a_500_envelope_without_internals(
    client: httpx.AsyncClient, path: str
) -> None:
    """A bug answers 500 with a generic message: no traceback, no exception text."""
    response = await client.get(path)

    error = envelope(response, 500, "internal")
    assert error["message"] == "An unexpected error occurred."
    for leak in ("Traceback", SECRET_DETAIL, "RuntimeError", "KeyError", "missing", ".py"):
        assert leak not in response.text


async def test_the_service_keeps_serving_after_a_500(client: httpx.AsyncClient) -> None:
    """An unexpected error does not poison the connection or the process."""
    await client.get("/v1/boom")

    response = await client.get("/v1/things/1")

    assert response.status_code == 200
    assert response.json() == {"name": "one", "size": 1}
