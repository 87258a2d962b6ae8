"""The runs feature's pure rules: which run a recording is a copy of, and the listing's cursor."""

from datetime import UTC, datetime, timedelta

import pytest

from runnerly_kit.errors import InvalidInput
from runnerly_runs.models import Run
from runnerly_runs.recording import Recording
from runnerly_runs.runs.duplicates import same_distance, start_window, twin_of
from runnerly_runs.runs.listing import render_listing
from runnerly_runs.runs.pagination import decode_cursor, encode_cursor, page_of
from runnerly_runs.settings import RunsSettings

START = datetime(2026, 11, 1, 7, 30, tzinfo=UTC)
SETTINGS = RunsSettings(duplicate_start_seconds=60, duplicate_distance_ratio=0.02)


def stored_run(run_id: str, started_at: datetime, distance_m: float) -> Run:
    run = Run(
        id=run_id,
        runner_id="runner",
        title="Run",
        sport="running",
        started_at=started_at,
        distance_m=distance_m,
        moving_time_s=3000.0,
        elapsed_time_s=3000.0,
        average_speed_mps=distance_m / 3000,
        polyline="",
    )
    run.listing_json = render_listing(run, [])
    return run


def recording(distance_m: float) -> Recording:
    return Recording(
        source="gpx",
        source_id="sha",
        title="Run",
        started_at=START,
        distance_m=distance_m,
        moving_time_s=3000,
        elapsed_time_s=3000,
    )


def test_a_run_whose_distance_agrees_within_the_ratio_is_the_twin() -> None:
    """2% of the longer distance is close enough; a little more is another run."""
    assert start_window(SETTINGS) == timedelta(seconds=60)
    assert same_distance(10_000, 9_800, 0.02)
    assert same_distance(9_800, 10_000, 0.02)
    assert not same_distance(10_000, 9_790, 0.02)
    near = stored_run("a", START + timedelta(seconds=20), 9_850)
    assert twin_of(recording(10_000), [near], SETTINGS) is near
    assert twin_of(recording(10_300), [near], SETTINGS) is None


def test_the_first_candidate_that_agrees_wins() -> None:
    """Candidates come closest start first; one of another distance is passed over."""
    other_distance = stored_run("a", START, 5_000)
    later_same = stored_run("b", START + timedelta(seconds=40), 10_050)
    latest_same = stored_run("c", START + timedelta(seconds=55), 10_000)
    assert twin_of(recording(10_000), [other_distance, later_same, latest_same], SETTINGS) is (
        later_same
    )


def test_a_cursor_continues_after_the_last_run_shown() -> None:
    """With one row more than the limit there is a next page, and its cursor names the last run."""
    rows = [stored_run(str(i), START - timedelta(days=i), 5_000) for i in range(4)]
    page = page_of(rows, 3)
    assert [summary.id for summary in page.runs] == ["0", "1", "2"]
    assert page.next_cursor is not None
    assert decode_cursor(page.next_cursor) == (START - timedelta(days=2), "2")
    assert page_of(rows, 4).next_cursor is None


@pytest.mark.parametrize(
    "cursor",
    [
        "not-a-cursor",
        encode_cursor(START, "run")[:-2],
        # A JSON list, but not ours: a time without its zone.
        "WyIyMDI2LTExLTAxVDA3OjMwOjAwIiwgInJ1biJd",
    ],
)
def test_a_cursor_this_api_did_not_give_out_is_refused(cursor: str) -> None:
    """Anything that is not a (zoned start, id) pair is a 422, not a server error."""
    with pytest.raises(InvalidInput):
        decode_cursor(cursor)
