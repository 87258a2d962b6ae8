"""Uploads: a multipart body counted as it streams in, refused past the limit."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest
from fastapi import FastAPI, Request

from runnerly_kit.errors import PayloadTooLarge
from runnerly_kit.http_errors import install_error_handlers
from runnerly_kit.uploads import limited_form, uploaded_files

LIMIT = 1000


def _app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)

    @app.post("/upload")
    async def upload(request: Request) -> dict[str, list[str]]:
        too_large = PayloadTooLarge("too large", code="upload_too_large")
        form = await limited_form(request, limit=LIMIT, max_files=5, too_large=too_large)
        try:
            return {"files": [f.filename or "" for f in uploaded_files(form)]}
        finally:
            await form.close()

    return app


@pytest.fixture
async def client() -> AsyncIterator[httpx.AsyncClient]:
    transport = httpx.ASGITransport(app=_app())
    async with httpx.AsyncClient(transport=transport, base_url="http://test") as http:
        yield http


async def test_files_under_the_limit_are_read(client: httpx.AsyncClient) -> None:
    """Files in ``files`` fields come back in order."""
    response = await client.post(
        "/upload", files=[("files", ("a.gpx", b"a")), ("files", ("b.gpx", b"b"))]
    )

    assert response.json() == {"files": ["a.gpx", "b.gpx"]}


async def test_a_body_over_the_limit_is_refused_declared_or_not(client: httpx.AsyncClient) -> None:
    """Over the limit: 413 whether Content-Length says so or the body is chunked."""

    async def chunks() -> AsyncIterator[bytes]:
        yield b'--b\r\nContent-Disposition: form-data; name="files"; filename="x"\r\n\r\n'
        for _ in range(5):
            yield b"x" * 400
        yield b"\r\n--b--\r\n"

    declared = await client.post("/upload", files=[("files", ("a.gpx", b"x" * 2000))])
    streamed = await client.post(
        "/upload", content=chunks(), headers={"Content-Type": "multipart/form-data; boundary=b"}
    )

    for response in (declared, streamed):
        assert response.status_code == 413
        assert response.json()["error"]["code"] == "upload_too_large"


async def test_no_file_or_no_multipart_is_a_422(client: httpx.AsyncClient) -> None:
    """No ``files`` field, or a JSON body: 422 with its own code."""
    empty = await client.post("/upload", files=[("other", ("a", b"a"))])
    not_multipart = await client.post("/upload", json={"files": []})

    assert empty.json()["error"]["code"] == "no_file"
    assert not_multipart.json()["error"]["code"] == "not_multipart"
