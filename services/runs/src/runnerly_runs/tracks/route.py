"""The route drawn on a map: the positions simplified, as a Google encoded polyline."""

from __future__ import annotations

import math

import polyline

from .geo import EARTH_RADIUS_M
from .model import Series

#: Points closer than this to the simplified line are dropped: below GPS accuracy.
TOLERANCE_M = 5.0


def route_polyline(series: Series, tolerance_m: float = TOLERANCE_M) -> str:
    """The run's positions simplified with Ramer-Douglas-Peucker, encoded at precision 5.

    Simplification works in metres on a local equirectangular projection
    centred on the first position (exact enough over a run's extent). Empty
    without positions.
    """
    positions = [
        (lat, lon)
        for lat, lon in zip(series.latitudes, series.longitudes, strict=True)
        if lat is not None and lon is not None
    ]
    if not positions:
        return ""
    kept = simplify(positions, tolerance_m)
    encoded: str = polyline.encode([positions[index] for index in kept], 5)
    return encoded


def simplify(positions: list[tuple[float, float]], tolerance_m: float) -> list[int]:
    """The indices Ramer-Douglas-Peucker keeps, ascending (first and last always).

    Iterative, with an explicit stack: a 50,000-point run cannot hit Python's
    recursion limit.
    """
    if len(positions) <= 2:
        return list(range(len(positions)))
    lat0 = math.radians(positions[0][0])
    scale_x = EARTH_RADIUS_M * math.cos(lat0)
    points = [
        (scale_x * math.radians(lon), EARTH_RADIUS_M * math.radians(lat)) for lat, lon in positions
    ]
    keep = [False] * len(points)
    keep[0] = keep[-1] = True
    stack = [(0, len(points) - 1)]
    while stack:
        first, last = stack.pop()
        farthest, distance = -1, tolerance_m
        for index in range(first + 1, last):
            gap = _distance_to_segment(points[index], points[first], points[last])
            if gap > distance:
                farthest, distance = index, gap
        if farthest >= 0:
            keep[farthest] = True
            stack.append((first, farthest))
            stack.append((farthest, last))
    return [index for index, kept in enumerate(keep) if kept]


def _distance_to_segment(
    point: tuple[float, float], start: tuple[float, float], end: tuple[float, float]
) -> float:
    """Metres from ``point`` to the segment (not the infinite line) from ``start`` to ``end``."""
    dx, dy = end[0] - start[0], end[1] - start[1]
    length_squared = dx * dx + dy * dy
    if length_squared == 0:
        return math.hypot(point[0] - start[0], point[1] - start[1])
    along = ((point[0] - start[0]) * dx + (point[1] - start[1]) * dy) / length_squared
    along = min(1.0, max(0.0, along))
    return math.hypot(point[0] - start[0] - along * dx, point[1] - start[1] - along * dy)
