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
    """Running sports as GPX, TCX, FIT and Strava name them, a generic sport or none, are runs."""
    assert is_run(sport)


@pytest.mark.parametrize(
    "sport",
    ["cycling", "Biking", "Ride", "VirtualRide", "swimming", "Swim", "walking", "Walk", "hiking",
     "Hike", "rowing", "alpine_skiing", "e_biking", "Workout"],
)  # fmt: skip
def test_not_runs(sport: str) -> None:
    """Rides, swims, walks, hikes, rowing, skiing and workouts are not runs."""
    assert not is_run(sport)
