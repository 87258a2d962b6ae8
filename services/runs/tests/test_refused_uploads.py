"""Corrupt, empty, foreign and oversized uploads are refused, naming the problem; none is stored."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from .support import CREATED, Stack, a_run, file_of, new_runner

PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


async def assert_nothing_stored(stack: Stack, runner: str) -> None:
    assert await stack.last_runs(runner) == []
    assert stack.events.count(CREATED, runner_id=runner) == 0


@pytest.mark.parametrize(
    ("filename", "content", "problem"),
    [
        ("empty.gpx", b"", "empty"),
        ("blank.gpx", b"  \n\t ", "empty"),
        ("photo.gpx", PNG, "unknown_format"),
        ("notes.csv", b"date,distance\n2026-11-01,10\n", "unknown_format"),
        ("broken.gpx", b"<?xml version='1.0'?><gpx><trk><trkseg><trkpt lat=", "corrupt"),
        ("nothing.gpx", b"<?xml version='1.0'?><gpx version='1.1' creator='t'></gpx>", "no_track"),
    ],
)
async def test_unreadable_files_are_refused(
    stack: Stack, filename: str, content: bytes, problem: str
) -> None:
    """An empty, foreign, broken or trackless file is a 422 naming it and the problem."""
    runner = new_runner()

    response = await stack.upload(runner, (filename, content))

    assert response.status_code == 422, response.text
    error = response.json()["error"]
    assert error["code"] == "unreadable_file"
    assert error["details"] == {"filename": filename, "problem": problem}
    assert filename in error["message"]
    await assert_nothing_stored(stack, runner)


async def test_a_truncated_fit_file_is_corrupt(stack: Stack) -> None:
    """A FIT file cut in half is refused as corrupt, and nothing is stored."""
    runner = new_runner()
    content = file_of(a_run(3, points=600), "fit")

    response = await stack.upload(runner, ("cut.fit", content[: len(content) // 2]))

    assert response.status_code == 422
    assert response.json()["error"]["details"]["problem"] == "corrupt"
    await assert_nothing_stored(stack, runner)


async def test_one_bad_file_refuses_the_whole_upload(stack: Stack) -> None:
    """A good GPX uploaded beside a garbage FIT is not stored either: the 422 names the bad file."""
    runner = new_runner()
    good = file_of(a_run(4, points=600), "gpx")

    response = await stack.upload(runner, ("good.gpx", good), ("bad.fit", b"garbage"))

    assert response.status_code == 422
    assert response.json()["error"]["details"]["filename"] == "bad.fit"
    await assert_nothing_stored(stack, runner)


async def test_an_oversized_upload_is_refused_with_413(stack: Stack) -> None:
    """The test service accepts 2 MiB; a 3 MiB file is refused before it is read."""
    runner = new_runner()

    response = await stack.upload(runner, ("huge.gpx", b"<gpx>" + b" " * (3 * 2**20)))

    assert response.status_code == 413
    error = response.json()["error"]
    assert error["code"] == "upload_too_large"
    assert "2 MiB" in error["message"]
    await assert_nothing_stored(stack, runner)


async def test_a_body_longer_than_its_content_length_says_is_still_refused(stack: Stack) -> None:
    """A chunked body (no Content-Length) is counted as it arrives."""
    runner = new_runner()
    boundary = "runnerly-boundary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="files"; filename="big.gpx"\r\n'
        "Content-Type: application/gpx+xml\r\n\r\n"
    ).encode()

    async def chunks() -> AsyncIterator[bytes]:
        yield head
        for _ in range(48):
            yield b" " * 65536
        yield f"\r\n--{boundary}--\r\n".encode()

    response = await stack.http.post(
        "/v1/runs/imports",
        content=chunks(),
        headers={
            **stack.runner_headers(runner),
            "Content-Type": f"multipart/form-data; boundary={boundary}",
        },
    )

    assert response.status_code == 413
    await assert_nothing_stored(stack, runner)


@pytest.mark.parametrize(
    ("kwargs", "code"),
    [
        ({"json": {"files": []}}, "not_multipart"),
        ({"files": [("other", ("a.gpx", b"<gpx/>", "text/xml"))]}, "no_file"),
    ],
)
async def test_a_request_without_files_is_refused(
    stack: Stack, kwargs: dict[str, Any], code: str
) -> None:
    """A JSON body is 422 not_multipart; a form without a "files" part is 422 no_file."""
    runner = new_runner()
    response = await stack.http.post(
        "/v1/runs/imports", headers=stack.runner_headers(runner), **kwargs
    )
    assert response.status_code == 422
    assert response.json()["error"]["code"] == code
