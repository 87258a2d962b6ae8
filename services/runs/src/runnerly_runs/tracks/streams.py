"""Strava's activity streams to a :class:`Series`."""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from typing import Any

from .geo import cumulative_distances
from .model import Series


def series_from_streams(streams: Mapping[str, Sequence[Any]]) -> Series:
    """The series of Strava's streams, already unwrapped to plain lists by the caller.

    Keys: ``time`` (seconds since the start, required), ``distance`` (m),
    ``latlng`` ([lat, lng] pairs), ``altitude`` (m), ``heartrate`` (bpm) and
    ``cadence`` (per foot, doubled here). Without ``distance`` the distance is
    the haversine length of ``latlng``. Raises ValueError when the streams
    differ in length, time goes backwards, or a value is not a number.
    """
    if "time" not in streams:
        raise ValueError("the time stream is required")
    times = streams["time"]
    count = len(times)
    for key, values in streams.items():
        if len(values) != count:
            raise ValueError(f"the {key} stream has {len(values)} points, time has {count}")
    try:
        seconds = [float(value) for value in times]
        latitudes, longitudes = _positions(streams.get("latlng"), count)
        elevations = _column(streams.get("altitude"), count, float)
        heart_rates = _column(streams.get("heartrate"), count, round)
        cadences = [
            None if value is None else value * 2
            for value in _column(streams.get("cadence"), count, round)
        ]
        recorded = _column(streams.get("distance"), count, float)
    except (TypeError, ValueError, IndexError) as error:
        raise ValueError(f"a stream holds something other than numbers ({error})") from error
    if any(later < earlier for earlier, later in itertools.pairwise(seconds)):
        raise ValueError("the time stream goes backwards")
    start = seconds[0] if seconds else 0.0
    if "distance" in streams and all(value is not None for value in recorded):
        distances = _non_decreasing([value for value in recorded if value is not None])
    else:
        distances = cumulative_distances(latitudes, longitudes)
    return Series(
        seconds=[value - start for value in seconds],
        distances=distances,
        latitudes=latitudes,
        longitudes=longitudes,
        elevations=elevations,
        heart_rates=heart_rates,
        cadences=cadences,
    )


def _column(values: Sequence[Any] | None, count: int, convert: Any) -> list[Any]:
    if values is None:
        return [None] * count
    return [None if value is None else convert(float(value)) for value in values]


def _positions(
    pairs: Sequence[Any] | None, count: int
) -> tuple[list[float | None], list[float | None]]:
    if pairs is None:
        return [None] * count, [None] * count
    latitudes: list[float | None] = []
    longitudes: list[float | None] = []
    for pair in pairs:
        if pair is None:
            latitudes.append(None)
            longitudes.append(None)
            continue
        lat, lng = pair
        latitudes.append(float(lat))
        longitudes.append(float(lng))
    return latitudes, longitudes


def _non_decreasing(values: list[float]) -> list[float]:
    result: list[float] = []
    furthest = 0.0
    for value in values:
        furthest = max(furthest, value)
        result.append(furthest)
    return result
