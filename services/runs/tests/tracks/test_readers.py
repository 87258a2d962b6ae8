"""One run written as GPX, TCX and FIT reads back the same from each."""

import importlib
from collections.abc import Callable
from datetime import timedelta
from typing import Any

import pytest

from runnerly_runs.testing.samples import synthetic_run, to_fit, to_gpx, to_tcx
from runnerly_runs.tracks import ImportedFile, Track, read_upload

from .support import (
    METRES_PER_DEGREE,
    START,
    gpx_document,
    meridian_track,
    path_length,
    present,
)

WRITERS: dict[str, Callable[[Track], bytes]] = {"gpx": to_gpx, "tcx": to_tcx, "fit": to_fit}


def read_one(filename: str, content: bytes) -> ImportedFile:
    [imported] = read_upload(filename, content)
    return imported


@pytest.mark.parametrize("file_format", ["gpx", "tcx", "fit"])
def test_a_run_along_a_meridian_reads_back_with_its_known_distance(file_format: str) -> None:
    """A run due north reads back from GPX, TCX and FIT with its hand-computed distance."""
    track, expected_m = meridian_track()
    imported = read_one(f"north.{file_format}", WRITERS[file_format](track))
    series = imported.track.series

    assert imported.format == file_format
    # 1200 steps of 2.7e-5 degree: 3,602.7 m, computed without any haversine.
    assert expected_m == pytest.approx(3602.71, abs=0.01)
    # GPX distances are recomputed from positions written to 1e-7 degree, which
    # are these positions exactly; TCX and FIT store the distance to the centimetre.
    assert series.distances[-1] == pytest.approx(expected_m, abs=0.01)
    assert series.seconds[-1] == 1200
    assert len(series) == 1201
    assert imported.track.started_at == START
    assert imported.track.started_at.utcoffset() == timedelta(0)
    assert imported.track.sport == "running"
    assert series.heart_rates == track.series.heart_rates
    assert series.cadences == track.series.cadences
    assert series.elevations == pytest.approx(track.series.elevations, abs=1e-6)
    assert present(series.latitudes) == pytest.approx(present(track.series.latitudes), abs=1e-7)


@pytest.mark.parametrize("file_format", ["tcx", "fit"])
def test_laps_read_back_from_tcx_and_fit(file_format: str) -> None:
    """TCX and FIT files keep their laps: start, duration, distance and heart rates."""
    track, _ = meridian_track()
    laps = read_one(f"north.{file_format}", WRITERS[file_format](track)).track.laps
    assert [(lap.start_offset_s, lap.elapsed_s) for lap in laps] == [(0.0, 600.0), (600.0, 600.0)]
    assert [lap.distance_m for lap in laps] == [
        pytest.approx(lap.distance_m, abs=0.01) for lap in track.laps
    ]
    assert [(lap.average_heart_rate, lap.max_heart_rate) for lap in laps] == [
        (145, 159),
        (150, 159),
    ]


def test_the_three_formats_of_one_synthetic_run_agree() -> None:
    """One run as GPX, TCX and FIT reads back with the same distance, times and heart rates."""
    track = synthetic_run(start=START, points=2400, seed=7)
    # The expected length comes from the test's own haversine over the generated points.
    expected_m = path_length(track.series.latitudes, track.series.longitudes)
    readings = {
        file_format: read_one(f"run.{file_format}", writer(track)).track
        for file_format, writer in WRITERS.items()
    }
    for reading in readings.values():
        assert reading.series.distances[-1] == pytest.approx(expected_m, abs=0.01)
        assert reading.series.seconds == track.series.seconds
        assert reading.started_at == START
        assert reading.series.heart_rates == track.series.heart_rates
        assert reading.series.cadences == track.series.cadences
    assert len(readings["tcx"].laps) == len(readings["fit"].laps) == len(track.laps)
    assert readings["gpx"].laps == []
    assert readings["gpx"].name == "Morning Run"


def test_gpx_times_without_a_zone_are_utc_and_points_are_put_in_time_order() -> None:
    """GPX times without a zone are UTC; points are put in time order, a repeated one kept once."""
    content = gpx_document(
        "<trk><type>Trail_Running</type>"
        # Two segments given out of order, and a point recorded twice.
        '<trkseg><trkpt lat="45.001" lon="4.85"><time>2026-05-01T08:00:10</time></trkpt>'
        '<trkpt lat="45.001" lon="4.85"><time>2026-05-01T08:00:10</time></trkpt>'
        '<trkpt lat="45.002" lon="4.85"><time>2026-05-01T08:00:20</time></trkpt></trkseg>'
        '<trkseg><trkpt lat="45.000" lon="4.85"><time>2026-05-01T10:00:00+02:00</time></trkpt>'
        "</trkseg></trk>"
    )
    track = read_one("morning.gpx", content).track
    assert track.started_at == START.replace(hour=8, minute=0)
    assert track.series.seconds == [0.0, 10.0, 20.0]
    assert track.series.distances[-1] == pytest.approx(2 * 111.195, abs=0.01)
    assert track.sport == "trail_running"
    assert track.series.heart_rates == [None, None, None]
    assert track.series.elevations == [None, None, None]


def test_gpx_points_without_time_are_left_out_of_a_recorded_track() -> None:
    """GPX points without a time are left out of the run's distance and times."""
    content = gpx_document(
        '<trk><trkseg><trkpt lat="45.0" lon="4.85"/>'
        '<trkpt lat="45.001" lon="4.85"><time>2026-05-01T06:30:00Z</time></trkpt>'
        '<trkpt lat="45.002" lon="4.85"><time>2026-05-01T06:30:30Z</time></trkpt>'
        "</trkseg></trk>"
    )
    series = read_one("a.gpx", content).track.series
    assert series.seconds == [0.0, 30.0]
    assert series.distances[-1] == pytest.approx(111.195, abs=0.01)


def test_a_file_is_recognised_by_its_content_not_its_name() -> None:
    """A FIT named .txt, a TCX named .gpx, a GPX behind a byte-order mark: read by content."""
    track, _ = meridian_track(seconds=60)
    assert read_one("export.txt", to_fit(track)).format == "fit"
    assert read_one("route.gpx", to_tcx(track)).format == "tcx"
    # A byte-order mark and blank lines before the XML declaration are tolerated.
    assert read_one("bom.gpx", b"\xef\xbb\xbf\n" + to_gpx(track)).format == "gpx"


def fit_module(name: str) -> Any:
    return importlib.import_module(f"fit_tool.{name}")


def test_fit_details_fractional_cadence_plain_altitude_and_no_positions() -> None:
    """A treadmill FIT keeps its distance, half-step cadence and altitude; HR 0 is missing."""
    # A treadmill run: no positions, the foot pod's distance, half-step cadences.
    profile = fit_module("profile.profile_type")
    builder = fit_module("fit_file_builder").FitFileBuilder(auto_define=True)
    file_id = fit_module("profile.messages.file_id_message").FileIdMessage()
    file_id.type = profile.FileType.ACTIVITY
    file_id.manufacturer = profile.Manufacturer.DEVELOPMENT.value
    file_id.time_created = round(START.timestamp() * 1000)
    builder.add(file_id)
    for second in range(30):
        record = fit_module("profile.messages.record_message").RecordMessage()
        record.timestamp = round(START.timestamp() * 1000) + second * 1000
        record.distance = second * 3.0
        record.altitude = 50.0
        record.cadence = 85
        record.fractional_cadence = 0.5
        record.heart_rate = 0 if second == 3 else 130  # 0: the strap lost contact
        builder.add(record)
    session = fit_module("profile.messages.session_message").SessionMessage()
    session.sport = profile.Sport.RUNNING
    session.sub_sport = profile.SubSport.TREADMILL
    session.start_time = round(START.timestamp() * 1000)
    builder.add(session)
    imported = read_one("treadmill.fit", builder.build().to_bytes())
    series = imported.track.series

    assert series.distances[-1] == 87.0
    assert series.latitudes == [None] * 30
    assert set(series.cadences) == {171}
    assert set(series.elevations) == {50.0}
    assert series.heart_rates[3] is None
    assert imported.track.sport == "running"


def test_tcx_without_recorded_distances_is_measured_on_its_positions() -> None:
    """A TCX without distances is measured on its positions; cadence becomes steps per minute."""
    points = "".join(
        f"<Trackpoint><Time>2026-05-01T06:30:{second:02d}Z</Time>"
        f"<Position><LatitudeDegrees>{45 + second * 1e-4:.4f}</LatitudeDegrees>"
        "<LongitudeDegrees>4.85</LongitudeDegrees></Position>"
        "<Cadence>88</Cadence></Trackpoint>"
        for second in range(11)
    )
    content = (
        '<?xml version="1.0"?><TrainingCenterDatabase xmlns="http://www.garmin.com/'
        'xmlschemas/TrainingCenterDatabase/v2"><Activities><Activity Sport="Biking">'
        f"<Id>x</Id><Lap><Track>{points}</Track></Lap></Activity></Activities>"
        "</TrainingCenterDatabase>"
    ).encode()
    track = read_one("ride.tcx", content).track
    assert track.series.distances[-1] == pytest.approx(10 * METRES_PER_DEGREE * 1e-4)
    assert set(track.series.cadences) == {176}
    assert track.series.heart_rates == [None] * 11
    assert track.sport == "biking"
    # A lap that states nothing starts with the run and lasts no time.
    assert [(lap.start_offset_s, lap.elapsed_s) for lap in track.laps] == [(0.0, 0.0)]
