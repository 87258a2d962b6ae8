"""Download my data: the zip assembled from every configured service's export route.

The services' own export routes are another branch's work; here two small real apps on
loopback serve the kit's convention (``GET /v1/runners/{id}/export`` and the files it lists),
so the assembling side is tested against the convention itself.
"""

from __future__ import annotations

import base64
import io
import json
import zipfile
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any

import pytest
from fastapi import FastAPI, Request, Response

from runnerly_kit.testing.ports import free_port
from runnerly_kit.testing.servers import serve

from .support import Stack


@dataclass
class ExportPeer:
    """A service serving its part of a runner's data, and what it saw."""

    name: str
    files: dict[str, bytes]
    url: str = ""
    authorizations: list[str] = field(default_factory=list)
    #: Overrides of the document's fields (to serve a broken one).
    document: dict[str, Any] = field(default_factory=dict)

    def app(self) -> FastAPI:
        app = FastAPI()

        @app.get("/v1/runners/{runner_id}/export")
        async def export(runner_id: str, request: Request) -> dict[str, Any]:
            self.authorizations.append(request.headers.get("authorization", ""))
            return {
                "service": self.name,
                "runner_id": runner_id,
                "exported_at": "2026-12-01T10:00:00Z",
                "data": {"kept": [f"{self.name} fact"]},
                "files": [
                    {"name": name, "media_type": "application/gpx+xml", "href": f"/files/{i}"}
                    for i, name in enumerate(self.files)
                ],
                **self.document,
            }

        @app.get("/files/{index}")
        async def file(index: int) -> Response:
            return Response(list(self.files.values())[index], media_type="application/gpx+xml")

        return app


@pytest.fixture
async def peers() -> AsyncIterator[list[ExportPeer]]:
    journal = ExportPeer("journal", {"../../etc/passwd": b"<gpx>1</gpx>", "b.gpx": b"<gpx>2</gpx>"})
    photos = ExportPeer("photos", {})
    journal_port, photos_port = free_port(), free_port()
    async with serve(journal.app(), port=journal_port), serve(photos.app(), port=photos_port):
        journal.url = f"http://127.0.0.1:{journal_port}"
        photos.url = f"http://127.0.0.1:{photos_port}"
        yield [journal, photos]


@pytest.fixture
def dashboard_options(peers: list[ExportPeer]) -> dict[str, Any]:
    return {
        "export_services": tuple(peer.name for peer in peers),
        "export_urls": {peer.name: peer.url for peer in peers},
    }


def _subject(authorization: str) -> str:
    payload = authorization.removeprefix("Bearer ").split(".")[1]
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    return str(claims["sub"])


async def test_the_zip_holds_a_folder_per_service_with_its_document_and_files(
    stack: Stack, peers: list[ExportPeer]
) -> None:
    """GET /bff/v1/export: a zip attachment named by the date, one folder per configured
    service (its JSON document, its files inside its folder whatever their names say),
    fetched with the runner's own token."""
    browser, runner_id = await stack.runner()

    response = await browser.get("/bff/v1/export")

    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/zip"
    assert response.headers["cache-control"] == "no-store"
    disposition = response.headers["content-disposition"]
    assert disposition.startswith('attachment; filename="runnerly-export-')
    archive = zipfile.ZipFile(io.BytesIO(response.content))
    names = set(archive.namelist())
    assert names == {
        "export.json",
        "journal/journal.json",
        "journal/files/etc/passwd",
        "journal/files/b.gpx",
        "photos/photos.json",
    }
    assert archive.read("journal/files/b.gpx") == b"<gpx>2</gpx>"
    document = json.loads(archive.read("journal/journal.json"))
    assert document["data"] == {"kept": ["journal fact"]}
    summary = json.loads(archive.read("export.json"))
    assert summary["runner_id"] == runner_id
    assert summary["services"] == ["journal", "photos"]
    for peer in peers:
        assert [_subject(a) for a in peer.authorizations] == [runner_id]


async def test_a_service_that_cannot_give_its_part_fails_the_export(
    stack: Stack, peers: list[ExportPeer]
) -> None:
    """A part that is another runner's, or a file on another host: 502 export_incomplete
    naming the service and no address; never a zip that silently lacks data."""
    browser, _ = await stack.runner()
    journal = peers[0]

    journal.document = {"runner_id": "someone-else"}
    other_runner = await browser.get("/bff/v1/export")
    journal.document = {
        "files": [{"name": "x", "media_type": "text/plain", "href": "//evil.example/x"}]
    }
    other_host = await browser.get("/bff/v1/export")

    for response in (other_runner, other_host):
        assert response.status_code == 502, response.text
        error = response.json()["error"]
        assert error["code"] == "export_incomplete"
        assert "journal" in error["message"]
        assert "127.0.0.1" not in response.text


async def test_the_export_needs_a_logged_in_runner(stack: Stack) -> None:
    """No session: 401 not_logged_in, nothing asked of any service."""
    response = await stack.browser().get("/bff/v1/export")

    assert (response.status_code, response.json()["error"]["code"]) == (401, "not_logged_in")
