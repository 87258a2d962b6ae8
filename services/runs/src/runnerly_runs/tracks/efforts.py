"""Best efforts: the fastest stretch of each standard distance within a run."""

from __future__ import annotations

from .model import BEST_EFFORT_DISTANCES, BestEffort, Series


def best_efforts(series: Series) -> list[BestEffort]:
    """The fastest stretch of each :data:`BEST_EFFORT_DISTANCES` distance the run covers.

    A stretch ends on a recorded point and starts exactly its distance earlier,
    the start's time interpolated between the two points around it. One sweep
    per distance, two pointers moving forward only: O(n).
    """
    efforts = []
    for name, length in BEST_EFFORT_DISTANCES.items():
        effort = _fastest(series, length)
        if effort is not None:
            elapsed, start = effort
            efforts.append(
                BestEffort(name=name, distance_m=length, elapsed_s=elapsed, start_offset_s=start)
            )
    return efforts


def _fastest(series: Series, length: float) -> tuple[float, float] | None:
    """(elapsed, start offset) of the fastest ``length`` metres, None if the run is shorter."""
    seconds, distances = series.seconds, series.distances
    if not distances or distances[-1] - distances[0] < length:
        return None
    best: tuple[float, float] | None = None
    start = 0
    for end in range(len(distances)):
        if distances[end] - distances[0] < length:
            continue
        target = distances[end] - length
        # Move the start to the last point at or before the stretch's start.
        while distances[start + 1] <= target:
            start += 1
        span = distances[start + 1] - distances[start]
        fraction = (target - distances[start]) / span if span > 0 else 0.0
        began = seconds[start] + fraction * (seconds[start + 1] - seconds[start])
        elapsed = seconds[end] - began
        if best is None or elapsed < best[0]:
            best = (elapsed, began)
    return best
