"""The request middleware: request id in and out, trace context, and one JSON log line per request."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from typing import Any

import httpx
import pytest
from fastapi import APIRouter, FastAPI

from runnerly_kit.logs import get_logger
from runnerly_kit.testing.servers import serve

MakeApp = Callable[..., FastAPI]
LogLines = Callable[[], list[dict[str, Any]]]

TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"
TRACEPARENT = f"00-{TRACE_ID}-00f067aa0ba902b7-01"

router = APIRouter(prefix="/v1")
_log = get_logger("tests.things")


@router.get("/things/{thing_id}")
async def get_thing(thing_id: int) -> dict[str, int]:
    _log.info("thing_read", thing_id=thing_id)
    return {"thing_id": thing_id}


@router.get("/boom")
async def boom() -> dict[str, str]:
    raise ValueError("broken invariant")


@pytest.fixture
async def client(make_app: MakeApp) -> AsyncIterator[httpx.AsyncClient]:
    async with serve(make_app(router)) as url, httpx.AsyncClient(base_url=url) as http:
        yield http


@pytest.mark.parametrize(
    "request_id", ["abc-123", "0f1e2d3c4b5a69788796a5b4c3d2e1f0", "edge.gw:42_x", "a" * 128]
)
async def test_a_valid_request_id_is_kept_and_returned(
    client: httpx.AsyncClient, request_id: str
) -> None:
    """A caller's well-formed X-Request-ID comes back unchanged."""
    response = await client.get("/v1/things/1", headers={"X-Request-ID": request_id})

    assert response.headers["x-request-id"] == request_id


async def test_a_missing_request_id_is_created(client: httpx.AsyncClient) -> None:
    """Without X-Request-ID the service makes one, different for every request."""
    first = (await client.get("/v1/things/1")).headers["x-request-id"]
    second = (await client.get("/v1/things/1")).headers["x-request-id"]

    assert len(first) == 32
    assert int(first, 16) >= 0
    assert first != second


@pytest.mark.parametrize(
    "bad_id", ["", "has space", "quote\"d", "a" * 129, "<script>", "semi;colon", "ünïcode"]
)
async def test_an_invalid_request_id_is_replaced(client: httpx.AsyncClient, bad_id: str) -> None:
    """An unsafe or oversized X-Request-ID is not echoed or logged; a fresh one replaces it."""
    raw = bad_id.encode()
    response = await client.get("/v1/things/1", headers=[(b"X-Request-ID", raw)])

    returned = response.headers["x-request-id"]
    assert returned != bad_id
    assert len(returned) == 32


async def test_error_responses_carry_the_request_id(client: httpx.AsyncClient) -> None:
    """The 404, 422 and 500 envelopes carry the request id an operator will search for."""
    for path in ("/v1/nowhere", "/v1/things/abc", "/v1/boom"):
        response = await client.get(path, headers={"X-Request-ID": "trace-me"})
        assert response.status_code >= 400
        assert response.headers["x-request-id"] == "trace-me"


async def test_each_request_is_logged_once_as_json_with_its_request_id(
    client: httpx.AsyncClient, log_lines: LogLines
) -> None:
    """One JSON access line per request, with request id, route template, status and duration."""
    log_lines()
    await client.get("/v1/things/42", headers={"X-Request-ID": "req-42"})

    lines = log_lines()
    access = [line for line in lines if line["event"] == "request"]
    assert len(access) == 1
    line = access[0]
    assert line["request_id"] == "req-42"
    assert line["service"] == "kit-core-tests"
    assert (line["method"], line["route"], line["status"]) == ("GET", "/v1/things/{thing_id}", 200)
    assert line["duration_ms"] >= 0
    assert line["level"] == "info"
    assert line["timestamp"].endswith("Z")


async def test_handler_logs_carry_the_request_id(
    client: httpx.AsyncClient, log_lines: LogLines
) -> None:
    """A log line written by a handler is tagged with the request it belongs to."""
    log_lines()
    await client.get("/v1/things/7", headers={"X-Request-ID": "req-7"})
    await client.get("/v1/things/8", headers={"X-Request-ID": "req-8"})

    handler_lines = [line for line in log_lines() if line["event"] == "thing_read"]
    assert [(line["thing_id"], line["request_id"]) for line in handler_lines] == [
        (7, "req-7"),
        (8, "req-8"),
    ]
    assert all(line["logger"] == "tests.things" for line in handler_lines)


async def test_logs_carry_the_callers_trace_id(
    client: httpx.AsyncClient, log_lines: LogLines
) -> None:
    """A caller's W3C traceparent is continued: its trace id appears in the service's logs."""
    log_lines()
    await client.get("/v1/things/1", headers={"traceparent": TRACEPARENT})

    handler_line = next(line for line in log_lines() if line["event"] == "thing_read")
    assert handler_line["trace_id"] == TRACE_ID


async def test_an_unexpected_error_is_logged_with_its_traceback(
    client: httpx.AsyncClient, log_lines: LogLines
) -> None:
    """The operator gets the traceback in the log (as JSON); the client never does."""
    log_lines()
    response = await client.get("/v1/boom", headers={"X-Request-ID": "req-boom"})

    assert "broken invariant" not in response.text
    errors = [line for line in log_lines() if line["event"] == "unhandled_error"]
    assert len(errors) == 1
    assert errors[0]["request_id"] == "req-boom"
    assert errors[0]["level"] == "error"
    assert "ValueError: broken invariant" in errors[0]["exception"]


async def test_library_logs_are_json_too(log_lines: LogLines) -> None:
    """Records from the standard library (uvicorn, SQLAlchemy) come out in the same JSON form."""
    import logging

    log_lines()
    logging.getLogger("some.library").warning("disk %s is %d%% full", "/var", 93)

    (line,) = log_lines()
    assert line["event"] == "disk /var is 93% full"
    assert (line["level"], line["logger"]) == ("warning", "some.library")


async def test_secret_fields_are_masked_in_logs(log_lines: LogLines) -> None:
    """A secret passed to a logger by mistake is masked, never written out."""
    log_lines()
    get_logger("tests.careless").info("login", password="hunter2", token="abc.def.ghi", user="ann")

    (line,) = log_lines()
    assert (line["password"], line["token"], line["user"]) == ("***", "***", "ann")
