"""Uploads through the dashboard: a result per file, refusals with runs' reason, the size limit."""

from __future__ import annotations

from typing import Any

import pytest

from .support import Stack, fit_file, gpx_file, tcx_file


async def _run_count(browser: Any) -> int:
    page = await browser.get("/bff/v1/runs", params={"limit": 100})
    assert page.status_code == 200, page.text
    return len(page.json()["runs"])


async def test_each_file_gets_its_result_and_a_bad_one_its_reason(stack: Stack) -> None:
    """GPX, TCX and FIT files are created; a file that is not an activity is refused with
    runs' reason, and the good ones are stored anyway."""
    browser, _ = await stack.runner()

    response = await browser.upload(
        ("morning.gpx", gpx_file(2)),
        ("notes.txt", b"this is not an activity file"),
        ("evening.tcx", tcx_file(4)),
        ("watch.fit", fit_file(6)),
    )

    assert response.status_code == 200, response.text
    results = response.json()["results"]
    assert [(r["filename"], r["status"]) for r in results] == [
        ("morning.gpx", "created"),
        ("notes.txt", "refused"),
        ("evening.tcx", "created"),
        ("watch.fit", "created"),
    ]
    assert results[1]["reason"]
    assert "run_id" not in results[1]
    assert all(r["run_id"] for r in results if r["status"] == "created")
    assert await _run_count(browser) == 3


async def test_the_same_file_again_is_already_imported(stack: Stack) -> None:
    """Uploading a file a second time stores nothing new: already_imported, same run."""
    browser, _ = await stack.runner()
    first = (await browser.upload(("a.gpx", gpx_file(9)))).json()["results"][0]

    again = (await browser.upload(("a.gpx", gpx_file(9)))).json()["results"][0]

    assert again["status"] == "already_imported"
    assert again["run_id"] == first["run_id"]
    assert await _run_count(browser) == 1


async def test_an_upload_without_files_is_a_clear_422(stack: Stack) -> None:
    """A multipart body with no ``files`` field, or not multipart at all: 422 with a message."""
    browser, _ = await stack.runner()

    empty = await browser.send("POST", "/bff/v1/imports", files=[("other", ("x", b"y"))])
    not_multipart = await browser.send("POST", "/bff/v1/imports", json={"files": []})

    assert (empty.status_code, empty.json()["error"]["code"]) == (422, "no_file")
    assert (not_multipart.status_code, not_multipart.json()["error"]["code"]) == (
        422,
        "not_multipart",
    )


class TestTheSizeLimit:
    """A small limit, so that a test file is over it."""

    @pytest.fixture
    def dashboard_options(self) -> dict[str, Any]:
        return {"max_upload_bytes": 64 * 1024}

    async def test_an_upload_over_the_limit_is_413_json_and_stores_nothing(
        self, stack: Stack
    ) -> None:
        """Over the limit (declared or streamed), 413 payload_too_large as JSON; no run."""
        browser, _ = await stack.runner()
        big = gpx_file(12, points=3000)
        assert len(big) > 64 * 1024

        declared = await browser.upload(("big.gpx", big))

        async def chunks() -> Any:
            yield b'--b\r\nContent-Disposition: form-data; name="files"; filename="x.gpx"\r\n\r\n'
            for _ in range(10):
                yield b"x" * 10_000
            yield b"\r\n--b--\r\n"

        streamed = await browser.send(
            "POST",
            "/bff/v1/imports",
            content=chunks(),
            headers={"Content-Type": "multipart/form-data; boundary=b"},
        )

        for response in (declared, streamed):
            assert response.status_code == 413, response.text
            assert response.headers["content-type"].startswith("application/json")
            assert response.json()["error"]["code"] == "upload_too_large"
        assert await _run_count(browser) == 0
