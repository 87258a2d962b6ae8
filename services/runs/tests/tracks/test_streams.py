"""Strava's streams to a series."""

from typing import Any

import pytest

from runnerly_runs.tracks import series_from_streams

from .support import METRES_PER_DEGREE


def test_all_streams() -> None:
    """Every Strava stream lands in its column; per-foot cadence is doubled to steps per minute."""
    series = series_from_streams(
        {
            "time": [0, 1, 2, 4],
            "distance": [0.0, 3.1, 6.0, 12.2],
            "latlng": [[45.0, 4.85], [45.00003, 4.85], [45.00005, 4.85], [45.0001, 4.85]],
            "altitude": [200.0, 200.2, 200.6, 201.0],
            "heartrate": [120, 122, 125, 130],
            "cadence": [84, 85, 86, 87],
        }
    )
    assert series.seconds == [0.0, 1.0, 2.0, 4.0]
    assert series.distances == [0.0, 3.1, 6.0, 12.2]
    assert series.latitudes == [45.0, 45.00003, 45.00005, 45.0001]
    assert series.longitudes == [4.85] * 4
    assert series.elevations == [200.0, 200.2, 200.6, 201.0]
    assert series.heart_rates == [120, 122, 125, 130]
    assert series.cadences == [168, 170, 172, 174]


def test_without_distance_it_is_measured_on_the_positions() -> None:
    """Without a distance stream, the distance is measured along the positions."""
    series = series_from_streams(
        {"time": [0, 10, 20], "latlng": [[45.0, 4.85], [45.001, 4.85], [45.003, 4.85]]}
    )
    assert series.distances == pytest.approx(
        [0, METRES_PER_DEGREE / 1000, 3 * METRES_PER_DEGREE / 1000]
    )


def test_only_time() -> None:
    """With only a time stream, the distance stays zero and the other columns are empty."""
    series = series_from_streams({"time": [0, 1, 2]})
    assert series.distances == [0.0, 0.0, 0.0]
    assert series.latitudes == series.elevations == series.heart_rates == [None, None, None]


@pytest.mark.parametrize(
    ("streams", "complaint"),
    [
        ({"distance": [0.0, 1.0]}, "time stream is required"),
        ({"time": [0, 1, 2], "heartrate": [120, 121]}, "heartrate stream has 2 points"),
        ({"time": [0, 2, 1]}, "backwards"),
        ({"time": [0, 1], "altitude": ["high", "low"]}, "other than numbers"),
        ({"time": [0, 1], "latlng": [[45.0], [45.0, 4.0]]}, "other than numbers"),
    ],
)
def test_inconsistent_streams_are_refused(streams: dict[str, Any], complaint: str) -> None:
    """Streams without time, of unequal length, going back in time or not numbers are refused."""
    with pytest.raises(ValueError, match=complaint):
        series_from_streams(streams)
