"""Which sports are runs."""

import pytest

from runnerly_runs.tracks import is_run


@pytest.mark.parametrize(
    "sport",
    [
        None,
        "running",
        "Running",
        "trail_running",
        "treadmill",
        "treadmill_running",
        "virtual_running",
        "indoor_running",
        "Run",
        "TrailRun",
        "VirtualRun",
        "generic",
        "Other",
    ],
)
def test_runs(sport: str | None) -> None:
    assert is_run(sport)


@pytest.mark.parametrize(
    "sport",
    ["cycling", "Biking", "Ride", "VirtualRide", "swimming", "Swim", "walking", "Walk", "hiking",
     "Hike", "rowing", "alpine_skiing", "e_biking", "Workout"],
)  # fmt: skip
def test_not_runs(sport: str) -> None:
    assert not is_run(sport)
