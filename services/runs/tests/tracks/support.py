"""Helpers shared by the track tests: an independent haversine and typed accessors."""

import itertools
import math
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TypeVar

from runnerly_runs.tracks import Lap, Series, Track

T = TypeVar("T")

START = datetime(2026, 5, 1, 6, 30, tzinfo=UTC)


def haversine(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle metres on a 6,371 km sphere.

    Written out again here, on purpose, rather than imported from the package:
    the expected figures must not come from the code under test.
    """
    r = 6_371_000.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    a = (
        math.sin((p2 - p1) / 2) ** 2
        + math.cos(p1) * math.cos(p2) * math.sin(math.radians(lon2 - lon1) / 2) ** 2
    )
    return 2 * r * math.asin(math.sqrt(a))


def path_length(latitudes: Sequence[float | None], longitudes: Sequence[float | None]) -> float:
    """The summed haversine length of a path whose every point has a position."""
    points = list(zip(present(latitudes), present(longitudes), strict=True))
    return sum(haversine(a[0], a[1], b[0], b[1]) for a, b in itertools.pairwise(points))


def present(values: Sequence[T | None]) -> list[T]:
    """The values, asserting none is missing (a typed view of a full column)."""
    assert all(value is not None for value in values)
    return [value for value in values if value is not None]


#: Metres per degree of latitude along a meridian of a 6,371 km sphere (111.195 km).
METRES_PER_DEGREE = 6_371_000.0 * math.pi / 180


def meridian_track(
    *,
    seconds: int = 1200,
    step_deg: float = 2.7e-5,
    start_lat: float = 45.0,
    lon: float = 4.85,
) -> tuple[Track, float]:
    """A run due north at one step per second, and its length computed by hand.

    Along a meridian the great-circle distance is the latitude difference times
    the metres per degree: the expected distance needs no haversine at all.
    """
    latitudes: list[float | None] = [round(start_lat + i * step_deg, 7) for i in range(seconds + 1)]
    first = latitudes[0]
    assert first is not None
    distances = [(lat - first) * METRES_PER_DEGREE for lat in present(latitudes)]
    series = Series(
        seconds=[float(i) for i in range(seconds + 1)],
        distances=distances,
        latitudes=latitudes,
        longitudes=[lon] * (seconds + 1),
        elevations=[round(100 + (i % 50) * 0.2, 1) for i in range(seconds + 1)],
        heart_rates=[140 + i % 20 for i in range(seconds + 1)],
        cadences=[170 + 2 * (i % 3) for i in range(seconds + 1)],
    )
    half = seconds // 2
    track = Track(
        sport="running",
        name="Meridian",
        started_at=START,
        series=series,
        laps=[
            Lap(0.0, half, distances[half], 145, 159),
            Lap(half, seconds - half, distances[-1] - distances[half], 150, 159),
        ],
    )
    return track, distances[-1]


def gpx_document(body: str, *, extra_ns: str = "") -> bytes:
    """A GPX 1.1 document around ``body``."""
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        '<gpx version="1.1" creator="test" xmlns="http://www.topografix.com/GPX/1/1"'
        f"{extra_ns}>{body}</gpx>"
    ).encode()
