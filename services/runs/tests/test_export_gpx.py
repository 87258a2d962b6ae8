"""The GPX files of the export, regenerated from a stored series: what is written, what is not."""

from __future__ import annotations

from datetime import UTC, datetime

from runnerly_runs.export.gpx import gpx_of, has_positions
from runnerly_runs.tracks import Series
from runnerly_runs.tracks.gpx import read_gpx

START = datetime(2026, 5, 1, 7, 30, tzinfo=UTC)


def _series(latitudes: list[float | None], longitudes: list[float | None]) -> Series:
    n = len(latitudes)
    return Series(
        seconds=[float(i * 10) for i in range(n)],
        distances=[float(i * 30) for i in range(n)],
        latitudes=latitudes,
        longitudes=longitudes,
        elevations=[200.0 + i for i in range(n)],
        heart_rates=[140 + i for i in range(n)],
        cadences=[170 + 2 * i for i in range(n)],
    )


def test_points_keep_their_time_elevation_heart_rate_and_cadence() -> None:
    """Read back by runs' own reader: same times, positions, elevations, heart rates, cadences."""
    series = _series([45.0, 45.0003, 45.0006], [4.8, 4.8, 4.8])

    track = read_gpx(gpx_of("Morning <run> & co", "running", START, series))

    assert track.started_at == START
    assert track.name == "Morning <run> & co"
    assert track.sport == "running"
    assert track.series.seconds == series.seconds
    assert track.series.latitudes == series.latitudes
    assert track.series.elevations == series.elevations
    assert track.series.heart_rates == series.heart_rates
    assert track.series.cadences == series.cadences


def test_points_without_a_position_are_left_out() -> None:
    """A GPX point needs a position: the ones without are not written; none means no track."""
    partial = _series([None, 45.0, 45.001], [None, 4.8, 4.8])
    indoor = _series([None, None], [None, None])

    track = read_gpx(gpx_of("Partly indoors", None, START, partial))

    assert len(track.series) == 2
    assert track.started_at == START.replace(second=10)
    assert has_positions(partial)
    assert not has_positions(indoor)
