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


#: Ramer-Douglas-Peucker is quadratic on its worst input (a zig-zag): it runs on
#: windows of this many points, which bounds the work at O(n * window).
WINDOW = 128
#: Passes over what the previous pass kept: enough to merge the windows of two
#: million points (128 ** 3), each allowing another tolerance of drift.
PASSES = 3


def simplify(positions: list[tuple[float, float]], tolerance_m: float) -> list[int]:
    """The indices Ramer-Douglas-Peucker keeps, ascending (first and last always).

    Iterative, with an explicit stack, on windows of :data:`WINDOW` points so
    that no upload can make it quadratic; further passes over the points kept
    remove the window ends a straight stretch does not need. Every point
    dropped is within :data:`PASSES` times the tolerance of the simplified line.
    """
    if len(positions) <= 2:
        return list(range(len(positions)))
    lat0 = math.radians(positions[0][0])
    scale_x = EARTH_RADIUS_M * math.cos(lat0)
    points = [
        (scale_x * math.radians(lon), EARTH_RADIUS_M * math.radians(lat)) for lat, lon in positions
    ]
    kept = list(range(len(points)))
    for _ in range(PASSES):
        fewer = _windowed(points, kept, tolerance_m)
        if len(fewer) == len(kept):
            break
        kept = fewer
    return kept


def _windowed(points: list[tuple[float, float]], indices: list[int], tolerance: float) -> list[int]:
    """RDP over ``indices`` (ascending), window by window, sharing each window's last point."""
    kept = [indices[0]]
    for start in range(0, len(indices) - 1, WINDOW - 1):
        window = indices[start : start + WINDOW]
        kept.extend(_rdp(points, window, tolerance)[1:])
    return kept


def _rdp(points: list[tuple[float, float]], indices: list[int], tolerance: float) -> list[int]:
    """Ramer-Douglas-Peucker over ``indices``, returning those it keeps, ascending."""
    keep = [False] * len(indices)
    keep[0] = keep[-1] = True
    stack = [(0, len(indices) - 1)]
    while stack:
        first, last = stack.pop()
        farthest, distance = -1, tolerance
        start, end = points[indices[first]], points[indices[last]]
        for position in range(first + 1, last):
            gap = _distance_to_segment(points[indices[position]], start, end)
            if gap > distance:
                farthest, distance = position, gap
        if farthest >= 0:
            keep[farthest] = True
            stack.append((first, farthest))
            stack.append((farthest, last))
    return [index for index, kept in zip(indices, keep, strict=True) if kept]


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
