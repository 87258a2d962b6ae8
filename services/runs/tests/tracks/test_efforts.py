"""Best efforts: found where they are, never for a distance the run does not cover."""

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from runnerly_runs.tracks import Series, best_efforts


def run_at_speeds(speeds: list[float], interval_s: float = 1.0) -> Series:
    distances = [0.0, *itertools.accumulate(speed * interval_s for speed in speeds)]
    count = len(distances)
    return Series(
        seconds=[i * interval_s for i in range(count)],
        distances=distances,
        latitudes=[None] * count,
        longitudes=[None] * count,
        elevations=[None] * count,
        heart_rates=[None] * count,
        cadences=[None] * count,
    )


def test_the_fast_kilometre_in_the_middle_is_found() -> None:
    """A fast kilometre amid slow ones is the 1k best, found where it was; 4 km has no 5k."""
    # 1.5 km at 6:00/km, one kilometre at 4:00/km, then 1.5 km at 6:00/km again.
    slow, fast = 1000 / 360, 1000 / 240
    series = run_at_speeds([slow] * 540 + [fast] * 240 + [slow] * 540)
    efforts = {effort.name: effort for effort in best_efforts(series)}

    assert set(efforts) == {"1k"}  # 4 km: no 5k effort
    assert efforts["1k"].distance_m == 1000
    assert efforts["1k"].elapsed_s == pytest.approx(240, abs=1)
    assert efforts["1k"].start_offset_s == pytest.approx(540, abs=1)


def test_the_start_of_an_effort_is_interpolated_between_points() -> None:
    """With a point every 10 s, the 1k time is interpolated between points (333.3 s at 3 m/s)."""
    # Points every 10 s at 3 m/s: 1 km takes 333.3 s, which no pair of points spans.
    series = run_at_speeds([3.0] * 100, interval_s=10.0)
    [effort] = best_efforts(series)
    assert effort.elapsed_s == pytest.approx(1000 / 3)


def test_a_run_of_exactly_five_kilometres_has_a_5k_effort() -> None:
    """A run of exactly 5 km at 5 m/s has a 5k effort of 1000 s and a 1k of 200 s."""
    series = run_at_speeds([5.0] * 1000)
    efforts = {effort.name: effort.elapsed_s for effort in best_efforts(series)}
    assert efforts == pytest.approx({"1k": 200.0, "5k": 1000.0})


def test_a_stop_is_part_of_an_effort() -> None:
    """A 5-minute stop inside the only kilometre counts in that kilometre's time."""
    # Two 600 m halves with a 5-minute stop between: the only 1k includes the stop.
    series = run_at_speeds([3.0] * 200 + [0.0] * 300 + [3.0] * 200)
    [effort] = best_efforts(series)
    assert effort.elapsed_s == pytest.approx(1000 / 3 + 300)


def test_no_effort_on_a_short_run() -> None:
    """A run shorter than 1 km, or with no points, has no best effort."""
    assert best_efforts(run_at_speeds([3.0] * 300)) == []
    assert best_efforts(run_at_speeds([])) == []


def brute_force_fastest(series: Series, length: float) -> float:
    """The quadratic definition: for every end point, the interpolated start."""
    best = float("inf")
    s, d = series.seconds, series.distances
    for end in range(len(d)):
        target = d[end] - length
        if target < d[0]:
            continue
        for start in range(end):
            if d[start] <= target < d[start + 1]:
                began = s[start] + (target - d[start]) / (d[start + 1] - d[start]) * (
                    s[start + 1] - s[start]
                )
                best = min(best, s[end] - began)
    return best


@given(st.lists(st.floats(min_value=0.0, max_value=12.0), min_size=100, max_size=400))
def test_the_sweep_agrees_with_the_quadratic_definition(speeds: list[float]) -> None:
    """For any run at varying speeds, the 1k best equals the brute-force search over all pairs."""
    series = run_at_speeds(speeds)
    efforts = best_efforts(series)
    if series.distances[-1] < 1000:
        assert efforts == []
        return
    assert efforts[0].name == "1k"
    assert efforts[0].elapsed_s == pytest.approx(brute_force_fastest(series, 1000.0))
