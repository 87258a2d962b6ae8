"""The runs screens: the list with paging and dates, a run's page with its ETag, edit, delete."""

from __future__ import annotations

import uuid

from .support import Stack, gpx_file


async def test_the_list_pages_and_filters_by_date(stack: Stack) -> None:
    """Three runs: pages of two, newest first, with a cursor; ``after`` keeps the later ones."""
    browser, _ = await stack.runner()
    await browser.upload(("a.gpx", gpx_file(1)), ("b.gpx", gpx_file(2)), ("c.gpx", gpx_file(3)))

    first = (await browser.get("/bff/v1/runs", params={"limit": 2})).json()
    second = (
        await browser.get("/bff/v1/runs", params={"limit": 2, "cursor": first["next_cursor"]})
    ).json()
    later = (await browser.get("/bff/v1/runs", params={"after": "2026-11-02T00:00:00Z"})).json()

    assert [r["started_at"][:10] for r in first["runs"]] == ["2026-11-03", "2026-11-02"]
    assert [r["started_at"][:10] for r in second["runs"]] == ["2026-11-01"]
    assert second["next_cursor"] is None
    assert [r["started_at"][:10] for r in later["runs"]] == ["2026-11-03", "2026-11-02"]


async def test_a_runs_page_has_its_series_and_an_etag(stack: Stack) -> None:
    """GET a run: the run and its series for the charts, ``no-store, private`` and an ETag;
    If-None-Match with it is a bodiless 304; after an edit the ETag changes."""
    browser, _ = await stack.runner()
    uploaded = await browser.upload(("a.gpx", gpx_file(4)))
    run_id = uploaded.json()["results"][0]["run_id"]

    page = await browser.get(f"/bff/v1/runs/{run_id}")
    etag = page.headers["etag"]
    unchanged = await browser.get(f"/bff/v1/runs/{run_id}", headers={"If-None-Match": etag})
    edited = await browser.send(
        "PATCH", f"/bff/v1/runs/{run_id}", json={"title": "Tempo by the river"}
    )
    after = await browser.get(f"/bff/v1/runs/{run_id}", headers={"If-None-Match": etag})

    assert page.status_code == 200, page.text
    assert page.headers["cache-control"] == "no-store, private"
    body = page.json()
    assert body["run"]["id"] == run_id
    assert len(body["series"]["distances"]) == len(body["series"]["seconds"]) > 100
    assert (unchanged.status_code, unchanged.content) == (304, b"")
    assert edited.status_code == 200, edited.text
    assert edited.json()["title"] == "Tempo by the river"
    assert after.status_code == 200
    assert after.headers["etag"] != etag


async def test_bad_edits_and_other_runners_runs_are_refused(stack: Stack) -> None:
    """An empty edit or a null title is 422; another runner's run is 404 (never revealed);
    a malformed id 422."""
    browser, _ = await stack.runner()
    other, _ = await stack.runner()
    run_id = (await browser.upload(("a.gpx", gpx_file(5)))).json()["results"][0]["run_id"]

    empty = await browser.send("PATCH", f"/bff/v1/runs/{run_id}", json={})
    null_title = await browser.send("PATCH", f"/bff/v1/runs/{run_id}", json={"title": None})
    theirs = await other.get(f"/bff/v1/runs/{run_id}")
    deleted_by_other = await other.send("DELETE", f"/bff/v1/runs/{run_id}")
    malformed = await browser.get("/bff/v1/runs/not-a-uuid")

    assert empty.status_code == 422
    assert null_title.status_code == 422
    assert theirs.status_code == 404
    assert deleted_by_other.status_code == 404
    assert malformed.status_code == 422
    assert (await browser.get(f"/bff/v1/runs/{run_id}")).status_code == 200


async def test_deleting_a_run(stack: Stack) -> None:
    """DELETE a run: 204, then it is gone (404) and off the list."""
    browser, _ = await stack.runner()
    run_id = (await browser.upload(("a.gpx", gpx_file(6)))).json()["results"][0]["run_id"]

    deleted = await browser.send("DELETE", f"/bff/v1/runs/{run_id}")

    assert deleted.status_code == 204
    assert (await browser.get(f"/bff/v1/runs/{run_id}")).status_code == 404
    assert (await browser.get("/bff/v1/runs")).json()["runs"] == []
    assert (await browser.get(f"/bff/v1/runs/{uuid.uuid4()}")).status_code == 404
