"""Distances on the Earth, the one way every reader and figure measures them.

All distances use the haversine formula on a sphere of radius 6,371 km (the
mean Earth radius; gpxpy's own functions use the 6,378 km equatorial radius,
so we do not use them). Over a run's point spacing the sphere's error against
the WGS-84 ellipsoid is below 0.5 %, and using one formula everywhere means a
GPX and the same run's FIT agree.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

#: Mean Earth radius in metres.
EARTH_RADIUS_M = 6_371_000.0


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """The great-circle distance in metres between two points given in degrees."""
    phi1 = math.radians(lat1)
    phi2 = math.radians(lat2)
    dphi = phi2 - phi1
    dlambda = math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlambda / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def cumulative_distances(
    latitudes: Sequence[float | None], longitudes: Sequence[float | None]
) -> list[float]:
    """The cumulative haversine distance at each point.

    A point without a position adds nothing: the distance resumes from the last
    known position at the next point that has one (a GPS drop-out in a tunnel
    still counts the straight line through it).
    """
    distances: list[float] = []
    total = 0.0
    last: tuple[float, float] | None = None
    for lat, lon in zip(latitudes, longitudes, strict=True):
        if lat is not None and lon is not None:
            if last is not None:
                total += haversine_m(last[0], last[1], lat, lon)
            last = (lat, lon)
        distances.append(total)
    return distances


def offset_position(lat: float, lon: float, north_m: float, east_m: float) -> tuple[float, float]:
    """The point ``north_m`` metres north and ``east_m`` east of (lat, lon), in degrees.

    A local flat-Earth step: exact enough for the metre-scale steps of a recording.
    """
    dlat = math.degrees(north_m / EARTH_RADIUS_M)
    dlon = math.degrees(east_m / (EARTH_RADIUS_M * math.cos(math.radians(lat))))
    return lat + dlat, lon + dlon
