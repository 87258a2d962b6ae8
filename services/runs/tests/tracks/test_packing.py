"""Packing a series for storage: exact to the kept precision, small, and refusing garbage."""

import json
import zlib
from datetime import UTC, datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from runnerly_runs.testing.samples import synthetic_run
from runnerly_runs.tracks import Series, pack_series, unpack_series

#: Half the unit each column is stored in: the most a value may move when packed.
TOLERANCES = {
    "seconds": 0.0005,
    "distances": 0.005,
    "latitudes": 5e-8,
    "longitudes": 5e-8,
    "elevations": 0.005,
    "heart_rates": 0,
    "cadences": 0,
}


def assert_close(actual: Series, original: Series) -> None:
    """Same points, same missing values, every value within its column's precision."""
    for name, tolerance in TOLERANCES.items():
        got, want = getattr(actual, name), getattr(original, name)
        assert [v is None for v in got] == [v is None for v in want], name
        assert [v for v in got if v is not None] == pytest.approx(
            [v for v in want if v is not None], abs=tolerance + 1e-9, rel=0
        ), name


def test_a_run_round_trips_and_packs_small() -> None:
    """A 10,000-point run unpacks to its kept precision and packs under a tenth of its JSON size."""
    series = synthetic_run(start=datetime(2026, 5, 1, tzinfo=UTC), points=10_000).series
    packed = pack_series(series)
    assert_close(unpack_series(packed), series)
    as_json = json.dumps(
        [getattr(series, name) for name in Series.__slots__], separators=(",", ":")
    ).encode()
    # Measured at about 5 %: a tenth of the JSON leaves room without hiding a regression.
    assert len(packed) < len(as_json) / 10
    assert len(packed) < len(zlib.compress(as_json, 9)) / 2


def test_missing_columns_and_missing_values_round_trip() -> None:
    """Missing columns and missing values within a column unpack exactly as they were."""
    series = Series(
        seconds=[0.0, 1.5, 2.25, 10.0],
        distances=[0.0, 3.0, 5.5, 30.0],
        latitudes=[None, None, None, None],
        longitudes=[None, None, None, None],
        elevations=[100.0, None, 99.5, None],
        heart_rates=[None, 120, None, 150],
        cadences=[170, 172, 174, 176],
    )
    assert unpack_series(pack_series(series)) == series


def test_an_empty_series_round_trips() -> None:
    """A series without points packs and unpacks to an empty series."""
    empty = Series([], [], [], [], [], [], [])
    assert unpack_series(pack_series(empty)) == empty


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"\x02" + zlib.compress(b"\x00"),  # an unknown version
        b"\x01not zlib at all",
        b"\x01" + zlib.compress(b"\x05"),  # five points, then nothing
        b"\x01" + zlib.compress(b"\x01\x07"),  # an unknown column marker
        b"\x01" + zlib.compress(b"\x00" + b"\x00" * 7 + b"extra"),  # trailing bytes
        b"\x01" + zlib.compress(b"\x01" + b"\x00" * 7),  # a point without a time
        b"\x01" + zlib.compress(b"\xff" * 20),  # an endless number
    ],
)
def test_garbage_is_refused(data: bytes) -> None:
    """An unknown version, bad compression, wrong structure or trailing bytes are a ValueError."""
    with pytest.raises(ValueError, match=r"packed series|known version"):
        unpack_series(data)


def test_a_truncated_packing_is_refused() -> None:
    """A packed series missing its last bytes is refused with a ValueError, not read short."""
    packed = pack_series(synthetic_run(start=datetime(2026, 5, 1, tzinfo=UTC), points=50).series)
    with pytest.raises(ValueError, match="packed series"):
        unpack_series(packed[:-5])


optional_float = st.one_of(st.none(), st.floats(min_value=-1000, max_value=10_000))


@st.composite
def series_strategy(draw: st.DrawFn) -> Series:
    count = draw(st.integers(min_value=0, max_value=60))
    steps = draw(st.lists(st.floats(0, 100), min_size=count, max_size=count))
    seconds, distances, total_s, total_m = [], [], 0.0, 0.0
    for step in steps:
        total_s += step
        total_m += step * 3
        seconds.append(total_s)
        distances.append(total_m)

    def column(strategy: st.SearchStrategy[float | None]) -> list[float | None]:
        return draw(st.lists(strategy, min_size=count, max_size=count))

    def int_column() -> list[int | None]:
        values = st.one_of(st.none(), st.integers(min_value=0, max_value=300))
        return draw(st.lists(values, min_size=count, max_size=count))

    return Series(
        seconds=seconds,
        distances=distances,
        latitudes=column(st.one_of(st.none(), st.floats(-90, 90))),
        longitudes=column(st.one_of(st.none(), st.floats(-180, 180))),
        elevations=column(optional_float),
        heart_rates=int_column(),
        cadences=int_column(),
    )


@given(series_strategy())
def test_any_series_round_trips_to_the_kept_precision(series: Series) -> None:
    """Any series unpacks to its columns' kept precision, and repacking it changes nothing more."""
    unpacked = unpack_series(pack_series(series))
    assert_close(unpacked, series)
    # Packing what was unpacked changes nothing more.
    assert unpack_series(pack_series(unpacked)) == unpacked
