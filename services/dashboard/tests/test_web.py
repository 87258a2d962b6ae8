"""The app's files: long-cached hashed assets, index.html revalidated, gzip, SPA fallback,
security headers, and a helpful page when the app is not built."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import httpx
import pytest

from runnerly_dashboard.main import create_app
from runnerly_dashboard.manifest import MANIFEST
from runnerly_dashboard.settings import DashboardSettings
from runnerly_kit.testing.nats import NatsServer
from runnerly_kit.testing.plugin import TestDatabase
from runnerly_kit.testing.stack import ServiceStack

from .support import SESSION_KEY

INDEX = b'<!doctype html><html><head><script type="module" src="/assets/index-3f2a9c.js">'
SCRIPT = b"console.log('runnerly');\n" * 200


@pytest.fixture
def build(tmp_path: Path) -> Path:
    folder = tmp_path / "dist"
    (folder / "assets").mkdir(parents=True)
    (folder / "index.html").write_bytes(INDEX + b"</script></head><body></body></html>")
    (folder / "assets" / "index-3f2a9c.js").write_bytes(SCRIPT)
    (folder / "favicon.svg").write_bytes(b"<svg/>")
    (tmp_path / "secret.txt").write_text("outside the build")
    return folder


async def _served(
    web_dir: Path, database: TestDatabase, nats: NatsServer
) -> AsyncIterator[ServiceStack[DashboardSettings]]:
    async with ServiceStack.start(
        create_app,
        DashboardSettings,
        MANIFEST,
        database=database,
        nats_url=nats.url,
        settings={"web_dir": web_dir, "session_encryption_key": SESSION_KEY, "export_services": ()},
        watch_events=None,
    ) as stack:
        yield stack


@pytest.fixture
async def web(
    build: Path, test_database: TestDatabase, nats_server: NatsServer
) -> AsyncIterator[httpx.AsyncClient]:
    async for stack in _served(build, test_database, nats_server):
        yield stack.http


async def test_hashed_assets_are_cached_for_a_year_and_index_is_revalidated(
    web: httpx.AsyncClient,
) -> None:
    """/assets/* is ``public, max-age=31536000, immutable``; / and index.html ``no-cache``."""
    asset = await web.get("/assets/index-3f2a9c.js")
    index = await web.get("/")

    assert asset.status_code == 200
    assert asset.content == SCRIPT
    assert asset.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert index.status_code == 200
    assert index.content.startswith(INDEX)
    assert index.headers["cache-control"] == "no-cache"
    assert index.headers["content-type"].startswith("text/html")


async def test_any_other_page_of_the_app_answers_index_html(web: httpx.AsyncClient) -> None:
    """The router's pages (/runs/..., /activate?token=...) get index.html, revalidated."""
    for path in ("/runs/8c7a", "/activate?token=abc", "/strava?connected=1", "/settings"):
        response = await web.get(path)
        assert response.status_code == 200, path
        assert response.content.startswith(INDEX), path
        assert response.headers["cache-control"] == "no-cache"


async def test_unknown_api_paths_and_missing_assets_are_json_404s(web: httpx.AsyncClient) -> None:
    """An unknown /bff path or a missing hashed asset is a 404 in the JSON envelope (never
    index.html, which a stale page would try to run as a script)."""
    for path in ("/bff/v1/nothing", "/bff", "/assets/index-old.js"):
        response = await web.get(path)
        assert response.status_code == 404, path
        assert response.json()["error"]["code"] == "not_found"


async def test_no_file_outside_the_build_is_served(web: httpx.AsyncClient) -> None:
    """A path climbing out of the build (encoded dots too) is the app's page, never the file."""
    for path in ("/../secret.txt", "/%2e%2e/secret.txt", "/assets/%2e%2e/%2e%2e/secret.txt"):
        response = await web.get(path)
        assert b"outside the build" not in response.content, path


async def test_answers_are_compressed_and_carry_the_security_headers(
    web: httpx.AsyncClient,
) -> None:
    """A client accepting gzip gets the script gzipped; every answer carries nosniff, DENY
    framing, a same-origin referrer policy and (outside development) HSTS; the app's files a
    CSP allowing no inline script."""
    raw = await web.get("/assets/index-3f2a9c.js", headers={"Accept-Encoding": "gzip"})
    assert raw.headers["content-encoding"] == "gzip"
    assert raw.content == SCRIPT  # httpx decoded it
    assert int(raw.headers["content-length"]) < len(SCRIPT) / 5
    csp = raw.headers["content-security-policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp.split("script-src", 1)[1].split(";", 1)[0]
    assert "frame-ancestors 'none'" in csp
    for response in (raw, await web.get("/healthz")):
        assert response.headers["x-content-type-options"] == "nosniff"
        assert response.headers["x-frame-options"] == "DENY"
        assert response.headers["referrer-policy"] == "same-origin"
    # Outside development (tests run as "test"): HTTPS only, remembered by the browser.
    assert raw.headers["strict-transport-security"].startswith("max-age=31536000")


async def test_without_a_build_the_page_says_to_run_make_up(
    tmp_path: Path, test_database: TestDatabase, nats_server: NatsServer
) -> None:
    """No web/dist: / answers a short HTML page naming `make up`, not an error."""
    async for stack in _served(tmp_path / "nowhere", test_database, nats_server):
        response = await stack.http.get("/")
        assert response.status_code == 200
        assert response.headers["content-type"].startswith("text/html")
        assert "make up" in response.text
        assert (await stack.http.get("/bff/v1/session")).status_code == 200
