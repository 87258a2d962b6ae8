"""From the points and laps a reader found to a :class:`Track`, the same way for every format."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

from .geo import cumulative_distances
from .model import Lap, Series, Track
from .problems import FileProblem


@dataclass(slots=True)
class Point:
    """One recorded point as a reader found it, in SI units (cadence: both feet)."""

    time: datetime
    latitude: float | None = None
    longitude: float | None = None
    elevation: float | None = None
    heart_rate: int | None = None
    cadence: int | None = None
    #: The distance the watch recorded, if it recorded one (FIT, TCX).
    distance: float | None = None


@dataclass(slots=True)
class RawLap:
    """A lap as a file states it; ``start`` is absent in some files."""

    start: datetime | None
    elapsed_s: float
    distance_m: float
    average_heart_rate: int | None = None
    max_heart_rate: int | None = None


def as_utc(moment: datetime) -> datetime:
    """An aware UTC time; a time without a zone is UTC (as the GPX and TCX schemas say)."""
    if moment.tzinfo is None or moment.utcoffset() is None:
        return moment.replace(tzinfo=UTC)
    return moment.astimezone(UTC)


def build_track(
    points: list[Point], *, sport: str | None, name: str | None, laps: list[RawLap] | None = None
) -> Track:
    """The track of these points: sorted by time, one point per timestamp.

    Raises ``no_track`` with fewer than two distinct timestamps.
    """
    ordered = sorted(points, key=lambda point: point.time)
    unique: list[Point] = []
    for point in ordered:
        # A second point at the same instant adds nothing but a zero-length interval.
        if not unique or point.time != unique[-1].time:
            unique.append(point)
    if len(unique) < 2:
        raise FileProblem(
            "no_track", "it has no track: a run needs at least two recorded points with a time"
        )
    started_at = unique[0].time
    series = Series(
        seconds=[(point.time - started_at).total_seconds() for point in unique],
        distances=_distances(unique),
        latitudes=[point.latitude for point in unique],
        longitudes=[point.longitude for point in unique],
        elevations=[point.elevation for point in unique],
        heart_rates=[point.heart_rate for point in unique],
        cadences=[point.cadence for point in unique],
    )
    return Track(
        sport=sport.strip().lower() if sport and sport.strip() else None,
        name=name.strip() if name and name.strip() else None,
        started_at=started_at,
        series=series,
        laps=_laps(laps or [], started_at),
    )


def _distances(points: list[Point]) -> list[float]:
    """The watch's own distances when every point has one, else the haversine path length.

    The watch's distance comes from its best sensor (GPS filtered, or a foot
    pod on a treadmill) and is what the runner saw; the path length is the
    fallback for GPX, which has no distance. Recorded distances are kept
    non-decreasing: a glitch backwards is held at the previous value.
    """
    recorded = [point.distance for point in points]
    if all(distance is not None for distance in recorded):
        distances: list[float] = []
        furthest = 0.0
        for distance in recorded:
            assert distance is not None
            furthest = max(furthest, distance)
            distances.append(furthest)
        first = distances[0]
        return [distance - first for distance in distances]
    return cumulative_distances(
        [point.latitude for point in points], [point.longitude for point in points]
    )


def _laps(laps: list[RawLap], started_at: datetime) -> list[Lap]:
    """Laps with offsets from the start; a lap without a start follows the previous one."""
    result: list[Lap] = []
    offset = 0.0
    for lap in laps:
        if lap.start is not None:
            offset = (lap.start - started_at).total_seconds()
        result.append(
            Lap(
                start_offset_s=offset,
                elapsed_s=lap.elapsed_s,
                distance_m=lap.distance_m,
                average_heart_rate=lap.average_heart_rate,
                max_heart_rate=lap.max_heart_rate,
            )
        )
        offset += lap.elapsed_s
    return result
