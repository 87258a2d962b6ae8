"""A run's summary and splits, on series whose figures are known by construction."""

import itertools
import math

import polyline
import pytest

from runnerly_runs.tracks import Series, summarize
from runnerly_runs.tracks.route import simplify
from runnerly_runs.tracks.summary import elevation_gain

from .support import METRES_PER_DEGREE


def straight_run(
    speeds: list[float],
    *,
    elevations: list[float | None] | None = None,
    heart_rates: list[int | None] | None = None,
    cadences: list[int | None] | None = None,
    with_positions: bool = True,
) -> Series:
    """A run due north, one point per second, at the given speed for each second."""
    distances = [0.0]
    for speed in speeds:
        distances.append(distances[-1] + speed)
    count = len(distances)
    latitudes: list[float | None] = (
        [45.0 + d / METRES_PER_DEGREE for d in distances] if with_positions else [None] * count
    )
    return Series(
        seconds=[float(i) for i in range(count)],
        distances=distances,
        latitudes=latitudes,
        longitudes=[4.85 if with_positions else None] * count,
        elevations=elevations if elevations is not None else [None] * count,
        heart_rates=heart_rates if heart_rates is not None else [None] * count,
        cadences=cadences if cadences is not None else [None] * count,
    )


def test_a_two_minute_stop_is_not_moving_time() -> None:
    """Two minutes of GPS drift at a crossing count in elapsed time but not in moving time."""
    # 10 minutes at 3 m/s, 2 minutes at a crossing with GPS drift, 10 minutes again.
    speeds = [3.0] * 600 + [0.2] * 120 + [3.0] * 600
    summary = summarize(straight_run(speeds))
    assert summary.elapsed_s == 1320
    assert summary.moving_s == 1200
    assert summary.distance_m == pytest.approx(3600 + 24)
    assert summary.average_speed_mps == pytest.approx(3624 / 1200)


def test_a_long_gap_with_little_movement_is_stopped_time() -> None:
    """An auto-pause (five minutes without points, 20 m further) counts as stopped time."""
    # An auto-pause: no point for five minutes, and only 20 m further when it resumes.
    series = straight_run([3.0] * 300)
    paused = Series(
        seconds=[*series.seconds, 600.0, 601.0],
        distances=[*series.distances, 920.0, 923.0],
        latitudes=[None] * 303,
        longitudes=[None] * 303,
        elevations=[None] * 303,
        heart_rates=[None] * 303,
        cadences=[None] * 303,
    )
    summary = summarize(paused)
    assert summary.elapsed_s == 601
    assert summary.moving_s == 301


def test_a_series_without_distance_counts_all_its_time_as_moving() -> None:
    """A run without distance or positions is all moving time, with no splits and no route."""
    series = straight_run([0.0] * 100, with_positions=False)
    summary = summarize(series)
    assert summary.moving_s == summary.elapsed_s == 100
    assert summary.average_speed_mps == 0
    assert summary.splits == []
    assert summary.polyline == ""


def test_heart_rate_and_cadence_averages() -> None:
    """Missing heart rates are skipped in the average; a standing zero cadence is not counted."""
    speeds = [3.0] * 100 + [0.0] * 50
    heart_rates: list[int | None] = [150] * 101 + [120] * 40 + [None] * 10
    # Cadence while standing is zero or missing: it does not pull the average down.
    cadences: list[int | None] = [None] + [170] * 50 + [180] * 50 + [0] * 50
    summary = summarize(straight_run(speeds, heart_rates=heart_rates, cadences=cadences))
    assert summary.average_heart_rate == pytest.approx((150 * 101 + 120 * 40) / 141)
    assert summary.max_heart_rate == 150
    assert summary.average_cadence == 175


def test_no_heart_rate_no_cadence_no_elevation() -> None:
    """A run without heart rate, cadence or elevation has none of those figures, not zeros."""
    summary = summarize(straight_run([3.0] * 10))
    assert summary.average_heart_rate is None
    assert summary.max_heart_rate is None
    assert summary.average_cadence is None
    assert summary.elevation_gain_m is None
    assert summary.splits[0].elevation_change_m is None
    assert summary.splits[0].average_heart_rate is None


def test_elevation_gain_of_a_hill_profile() -> None:
    """Up 50, down 50, up 30 and down 10 metres is an elevation gain of 80 m."""
    # Up 50 m, down 50 m, up 30 m, down 10 m, one metre per point.
    profile = (
        [float(i) for i in range(51)]
        + [float(50 - i) for i in range(1, 51)]
        + [float(i) for i in range(1, 31)]
        + [float(30 - i) for i in range(1, 11)]
    )
    assert elevation_gain(profile) == 80


def test_elevation_jitter_below_the_hysteresis_is_not_climbing() -> None:
    """A barometer wobbling by ±0.9 m adds no climb; a real 10 m climb counts about 10 m."""
    # A flat run whose barometer wobbles by ±0.9 m, then a real 10 m climb, wobbling too.
    flat = [100 + 0.9 * math.sin(i) for i in range(600)]
    climb = [100 + i / 10 + 0.9 * math.sin(i) for i in range(101)]
    gain = elevation_gain(flat + climb + [110.0] * 20)
    assert gain is not None
    assert gain == pytest.approx(10, abs=1.8)
    assert elevation_gain([None, None]) is None


def test_splits_add_up_to_the_run() -> None:
    """Kilometre splits add up to the run's distance, times and climb, each with its heart rate."""
    # 4.5 km at an uneven pace with a stop, climbing 0.01 m per metre run.
    speeds = [2.5 + (i % 7) * 0.2 for i in range(900)] + [0.0] * 60 + [3.1] * 700
    series = straight_run(speeds)
    elevations: list[float | None] = [100 + d / 100 for d in series.distances]
    series = Series(
        series.seconds,
        series.distances,
        series.latitudes,
        series.longitudes,
        elevations,
        [140] * len(series),
        series.cadences,
    )
    summary = summarize(series)
    splits = summary.splits

    assert [split.kilometre for split in splits] == list(range(1, len(splits) + 1))
    assert len(splits) == math.ceil(summary.distance_m / 1000)
    assert [split.distance_m for split in splits[:-1]] == [1000.0] * (len(splits) - 1)
    assert sum(split.distance_m for split in splits) == pytest.approx(summary.distance_m)
    assert sum(split.elapsed_s for split in splits) == pytest.approx(summary.elapsed_s)
    assert sum(split.moving_s for split in splits) == pytest.approx(summary.moving_s)
    assert [split.elevation_change_m for split in splits[:-1]] == pytest.approx(
        [10.0] * (len(splits) - 1)
    )
    assert all(split.average_heart_rate == 140 for split in splits)
    assert summary.elevation_gain_m == pytest.approx(summary.distance_m / 100, abs=2)


def test_split_times_are_interpolated_at_each_kilometre() -> None:
    """Each kilometre's time is interpolated where no point falls on the kilometre."""
    # 3 m/s for 1000 s: each kilometre takes 333.33 s although no point falls on it.
    summary = summarize(straight_run([3.0] * 1000))
    assert [split.elapsed_s for split in summary.splits] == pytest.approx([1000 / 3] * 3)
    assert [split.distance_m for split in summary.splits] == [1000.0, 1000.0, 1000.0]


def test_a_short_remainder_joins_the_last_kilometre() -> None:
    """A 5 m remainder joins the last kilometre split; a 20 m one is a split of its own."""
    splits = summarize(straight_run([5.0] * 401)).splits  # 2005 m
    assert [split.distance_m for split in splits] == [1000.0, 1005.0]
    splits = summarize(straight_run([5.0] * 404)).splits  # 2020 m
    assert [split.distance_m for split in splits] == pytest.approx([1000.0, 1000.0, 20.0])


def test_the_route_is_simplified_and_encoded() -> None:
    """A straight run's route is encoded as a polyline of its two ends only."""
    summary = summarize(straight_run([3.0] * 1000))
    # A straight line keeps only its two ends.
    assert polyline.decode(summary.polyline, 5) == [
        (45.0, 4.85),
        (round(45.0 + 3000 / METRES_PER_DEGREE, 5), 4.85),
    ]


def test_simplification_keeps_the_corners_and_drops_the_noise() -> None:
    """A noisy square loop simplifies to a few points keeping its corners, each within 15 m."""
    # A square 1 km loop, one point per metre, with 1 m of sideways noise.
    points: list[tuple[float, float]] = []
    for side in range(4):
        for step in range(1000):
            along = step / 1000
            noise = ((step * 7919) % 3 - 1) / METRES_PER_DEGREE
            corners = [(0, 0), (1, 0), (1, 1), (0, 1), (0, 0)]
            (x0, y0), (x1, y1) = corners[side], corners[side + 1]
            lat = 45 + (y0 + (y1 - y0) * along) * 1000 / METRES_PER_DEGREE + noise
            lon = 4.85 + (x0 + (x1 - x0) * along) * 1000 / METRES_PER_DEGREE / math.cos(
                math.radians(45)
            )
            points.append((lat, lon))
    points.append(points[0])
    kept = simplify(points, 5.0)
    assert kept[0] == 0
    assert kept[-1] == len(points) - 1
    for corner in (1000, 2000, 3000):
        assert any(abs(index - corner) <= 5 for index in kept)
    assert len(kept) < 12
    assert_within(points, kept, 15.0)


def assert_within(points: list[tuple[float, float]], kept: list[int], limit_m: float) -> None:
    """Every dropped point lies within ``limit_m`` of the simplified line around it."""
    assert kept == sorted(set(kept))
    assert kept[0] == 0
    assert kept[-1] == len(points) - 1
    for first, last in itertools.pairwise(kept):
        a, b = points[first], points[last]
        for index in range(first + 1, last):
            p = points[index]
            # Metres on the local plane, by the test's own projection.
            scale = METRES_PER_DEGREE * math.cos(math.radians(45))
            ax, ay = a[1] * scale, a[0] * METRES_PER_DEGREE
            bx, by = b[1] * scale, b[0] * METRES_PER_DEGREE
            px, py = p[1] * scale, p[0] * METRES_PER_DEGREE
            dx, dy = bx - ax, by - ay
            t = max(0.0, min(1.0, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
            assert math.hypot(px - ax - t * dx, py - ay - t * dy) <= limit_m


def test_simplification_of_a_zig_zag_keeps_its_shape() -> None:
    """A 5,000-point zig-zag keeps its shape within 15 m when simplified."""
    # The worst input for plain RDP (it splits one point at a time, n levels deep):
    # windows bound the work, and the result is still within tolerance.
    points = [(45 + i * 1e-5, 4.85 + (i % 2) * 2e-4) for i in range(5_000)]
    kept = simplify(points, 5.0)
    assert len(kept) > 2_000
    assert_within(points, kept, 15.0)


def test_simplification_of_a_long_straight_run_keeps_only_its_ends() -> None:
    """A 20,000-point straight line simplifies to its two ends."""
    points = [(45 + i * 1e-5, 4.85) for i in range(20_000)]
    assert simplify(points, 5.0) == [0, 19_999]
