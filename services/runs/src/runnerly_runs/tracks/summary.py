"""A run's headline figures and kilometre splits, computed from its series.

Definitions, as a runner would expect them from the usual apps:

* **Moving time** counts an interval between two points when its speed is at
  least :data:`MOVING_SPEED_MPS` (0.5 m/s, 1.8 km/h: slower than any walk,
  faster than GPS drift). Standing at a crossing, or a long gap in the
  recording (an auto-pause) with little movement across it, is stopped time.
  A series without any distance (a treadmill with no foot pod) has nothing to
  judge by: its moving time is its elapsed time.
* **Elevation gain** sums the climbs with a :data:`ELEVATION_HYSTERESIS_M` (2 m)
  hysteresis: the trend turns from descending to climbing only after a rise of
  2 m from the lowest point, and from climbing to descending only after a drop
  of 2 m from the highest, so the GPS's or barometer's jitter is not counted
  as climbing, while a real climb counts in full.
* **Average heart rate** is the mean of the samples; **average cadence** the
  mean of the non-zero samples recorded while moving.
"""

from __future__ import annotations

from collections.abc import Sequence

from .model import Lap, Series, Split, Summary
from .route import route_polyline

MOVING_SPEED_MPS = 0.5
ELEVATION_HYSTERESIS_M = 2.0
SPLIT_M = 1000.0
#: A last partial kilometre shorter than this is GPS noise at the finish, not a split.
MIN_LAST_SPLIT_M = 10.0


def summarize(series: Series, laps: Sequence[Lap] = ()) -> Summary:
    """The run's summary: distance, times, climb, heart rate, cadence, route and splits.

    ``laps`` are accepted for callers that have them; every figure here comes
    from the series, so two recordings of one run agree whatever laps they hold.
    """
    del laps  # figures come from the series alone (see above)
    if len(series) == 0:
        return Summary(
            distance_m=0.0,
            moving_s=0.0,
            elapsed_s=0.0,
            elevation_gain_m=None,
            average_heart_rate=None,
            max_heart_rate=None,
            average_cadence=None,
            average_speed_mps=0.0,
            polyline="",
            splits=[],
        )
    moving = moving_intervals(series)
    distance = series.distances[-1] - series.distances[0]
    moving_s = sum(
        series.seconds[index] - series.seconds[index - 1]
        for index in range(1, len(series))
        if moving[index]
    )
    heart_rates = [hr for hr in series.heart_rates if hr is not None]
    cadences = [
        cadence
        for index, cadence in enumerate(series.cadences)
        if cadence and moving[index] and index > 0
    ]
    return Summary(
        distance_m=distance,
        moving_s=moving_s,
        elapsed_s=series.seconds[-1] - series.seconds[0],
        elevation_gain_m=elevation_gain(series.elevations),
        average_heart_rate=sum(heart_rates) / len(heart_rates) if heart_rates else None,
        max_heart_rate=max(heart_rates) if heart_rates else None,
        average_cadence=sum(cadences) / len(cadences) if cadences else None,
        average_speed_mps=distance / moving_s if moving_s > 0 else 0.0,
        polyline=route_polyline(series),
        splits=splits(series, moving),
    )


def moving_intervals(series: Series) -> list[bool]:
    """For each point, whether the interval ending at it was moving (the first: False)."""
    seconds, distances = series.seconds, series.distances
    if len(series) and distances[-1] - distances[0] <= 0:
        return [False] + [True] * (len(series) - 1)
    moving = [False]
    for index in range(1, len(series)):
        duration = seconds[index] - seconds[index - 1]
        covered = distances[index] - distances[index - 1]
        moving.append(duration > 0 and covered / duration >= MOVING_SPEED_MPS)
    return moving


def elevation_gain(elevations: Sequence[float | None]) -> float | None:
    """Total climb in metres with a 2 m hysteresis; None without elevations."""
    known = [elevation for elevation in elevations if elevation is not None]
    if not known:
        return None
    gain = 0.0
    reference = known[0]  # the highest point while climbing, the lowest while descending
    climbing = False
    for elevation in known[1:]:
        if climbing:
            if elevation > reference:
                gain += elevation - reference
                reference = elevation
            elif reference - elevation >= ELEVATION_HYSTERESIS_M:
                climbing, reference = False, elevation
        elif elevation < reference:
            reference = elevation
        elif elevation - reference >= ELEVATION_HYSTERESIS_M:
            gain += elevation - reference
            climbing, reference = True, elevation
    return gain


def splits(series: Series, moving: list[bool] | None = None) -> list[Split]:
    """One split per kilometre, the time at each kilometre mark interpolated between points.

    The last, partial kilometre is its own split when at least 10 m long;
    shorter, it is added to the kilometre before. So the splits add up to the
    run's distance and elapsed time. A split's moving time shares each moving
    interval between the kilometres it spans in proportion to distance; its
    heart rate is the mean of the samples recorded within it.
    """
    if len(series) < 2:
        return []
    moving = moving if moving is not None else moving_intervals(series)
    origin = series.distances[0]
    total = series.distances[-1] - origin
    if total < MIN_LAST_SPLIT_M:
        return []
    marks = [SPLIT_M * k for k in range(1, int(total // SPLIT_M) + 1)]
    if marks and total - marks[-1] < MIN_LAST_SPLIT_M:
        marks[-1] = total
    else:
        marks.append(total)
    result: list[Split] = []
    index = 1
    previous_mark, previous_time = 0.0, series.seconds[0]
    previous_elevation = _elevation_at(series, 0, 0.0)
    for number, mark in enumerate(marks, start=1):
        last = number == len(marks)
        moving_s = 0.0
        rates: list[int] = []
        # Walk the intervals overlapping (previous_mark, mark]; one reaching the
        # mark is left for the next split too, which owns the rest of it.
        while index < len(series):
            start = series.distances[index - 1] - origin
            end = series.distances[index] - origin
            if moving[index] and end > start:
                overlap = min(end, mark) - max(start, previous_mark)
                if overlap > 0:
                    duration = series.seconds[index] - series.seconds[index - 1]
                    moving_s += duration * overlap / (end - start)
            if end >= mark and not last:
                break
            hr = series.heart_rates[index]
            if hr is not None:
                rates.append(hr)
            index += 1
        if last:
            time, elevation = series.seconds[-1], _elevation_at(series, len(series) - 1, 1.0)
        else:
            time, elevation = _at_mark(series, mark + origin, index)
        result.append(
            Split(
                kilometre=number,
                distance_m=mark - previous_mark,
                elapsed_s=time - previous_time,
                moving_s=moving_s,
                elevation_change_m=(
                    elevation - previous_elevation
                    if elevation is not None and previous_elevation is not None
                    else None
                ),
                average_heart_rate=round(sum(rates) / len(rates)) if rates else None,
            )
        )
        previous_mark, previous_time, previous_elevation = mark, time, elevation
    return result


def _at_mark(series: Series, distance: float, index: int) -> tuple[float, float | None]:
    """Time and elevation where the cumulative distance reaches ``distance``.

    ``index`` is the first point at or past it (never the first point); both
    are interpolated between it and the point before.
    """
    after = series.distances[index]
    before = series.distances[index - 1]
    fraction = (distance - before) / (after - before) if after > before else 1.0
    time = series.seconds[index - 1] + fraction * (
        series.seconds[index] - series.seconds[index - 1]
    )
    return time, _elevation_at(series, index, fraction)


def _elevation_at(series: Series, index: int, fraction: float) -> float | None:
    """Elevation a ``fraction`` of the way from point ``index - 1`` to ``index``."""
    after = series.elevations[index]
    before = series.elevations[index - 1] if index > 0 else after
    if before is None:
        return after
    if after is None:
        return before
    return before + fraction * (after - before)


def pace(distance_m: float, seconds: float) -> float | None:
    """Seconds per kilometre; None when nothing was covered."""
    return round(seconds / distance_m * 1000, 1) if distance_m > 0 and seconds > 0 else None
