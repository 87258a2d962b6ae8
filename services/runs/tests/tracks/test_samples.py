"""The sample generator and its writers, checked with the parsing libraries directly.

The readers are tested elsewhere against these files; here the files are read
with gpxpy, ElementTree and fitdecode themselves so a writer bug cannot hide
behind a matching reader bug.
"""

import io
import xml.etree.ElementTree as ET
from datetime import datetime, timedelta
from typing import Any

import fitdecode  # type: ignore[import-untyped]
import gpxpy
import pytest

from runnerly_runs.testing.samples import synthetic_run, to_fit, to_gpx, to_tcx

from .support import START, path_length, present

TCX_NS = {
    "t": "http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2",
    "x": "http://www.garmin.com/xmlschemas/ActivityExtension/v2",
}


def test_synthetic_run_is_a_realistic_run_at_the_asked_pace() -> None:
    """A synthetic run covers the asked pace's distance northward, with plausible HR and laps."""
    track = synthetic_run(start=START, points=1951, pace_s_per_km=300.0)
    series = track.series
    walked = path_length(series.latitudes, series.longitudes)
    assert series.distances[-1] == pytest.approx(walked, rel=1e-9)
    # 32:30 at 5:00/km is 6.5 km, give or take the ±3 % step noise that averages out.
    assert walked == pytest.approx(6500, rel=0.01)
    assert series.seconds[-1] == 1950
    assert track.started_at == START
    # Mostly northward: the run ends well north of where it began.
    latitudes = present(series.latitudes)
    assert latitudes[-1] - latitudes[0] > 0.045
    assert all(118 <= hr <= 162 for hr in present(series.heart_rates))
    assert all(c % 2 == 0 and 166 <= c <= 176 for c in present(series.cadences))
    elevations = present(series.elevations)
    assert max(elevations) - min(elevations) > 20
    full_kilometres = int(walked // 1000)
    assert [round(lap.distance_m, -1) for lap in track.laps[:-1]] == [1000.0] * full_kilometres
    assert sum(lap.elapsed_s for lap in track.laps) == 1950
    assert 0 < track.laps[-1].distance_m < 1000


def test_synthetic_run_is_deterministic_per_seed() -> None:
    """The same seed gives the same synthetic run; another seed gives another."""
    one = synthetic_run(start=START, points=300, seed=1)
    assert synthetic_run(start=START, points=300, seed=1) == one
    assert synthetic_run(start=START, points=300, seed=2) != one


def test_synthetic_run_without_heart_rate() -> None:
    """A synthetic run asked without heart rate has none in its points or its laps."""
    track = synthetic_run(start=START, points=10, with_hr=False)
    assert track.series.heart_rates == [None] * 10
    assert track.laps[0].average_heart_rate is None


def test_synthetic_run_refuses_a_naive_start() -> None:
    """A synthetic run refuses a start time without a time zone."""
    with pytest.raises(ValueError, match="aware"):
        synthetic_run(start=datetime(2026, 5, 1), points=10)  # noqa: DTZ001


def test_to_gpx_holds_every_point_with_time_hr_and_per_foot_cadence() -> None:
    """The GPX writer's file, read by gpxpy, has every point with time, HR and per-foot cadence."""
    track = synthetic_run(start=START, points=600)
    gpx = gpxpy.parse(to_gpx(track).decode())
    points = [p for t in gpx.tracks for s in t.segments for p in s.points]
    assert len(points) == 600
    # gpxpy types a track's type as None only: read it untyped.
    assert getattr(gpx.tracks[0], "type", None) == "running"
    assert gpx.tracks[0].name == "Morning Run"
    assert points[0].time == START
    assert points[-1].time == START + timedelta(seconds=599)
    assert points[10].latitude == track.series.latitudes[10]
    assert points[10].elevation == track.series.elevations[10]
    ext = {child.tag.rsplit("}", 1)[1]: child.text for child in points[10].extensions[0]}
    assert ext == {
        "hr": str(track.series.heart_rates[10]),
        "cad": str(present(track.series.cadences)[10] // 2),
    }


def test_to_tcx_writes_one_lap_per_kilometre_with_its_points() -> None:
    """The TCX writer's file, read by ElementTree, has a lap per km and every point's data."""
    track = synthetic_run(start=START, points=1200)
    root = ET.fromstring(to_tcx(track))
    activity = root.find("t:Activities/t:Activity", TCX_NS)
    assert activity is not None
    assert activity.get("Sport") == "Running"
    laps = activity.findall("t:Lap", TCX_NS)
    assert len(laps) == len(track.laps) == 4
    assert [float(lap.findtext("t:DistanceMeters", "", TCX_NS)) for lap in laps] == [
        pytest.approx(lap.distance_m, abs=0.01) for lap in track.laps
    ]
    points = root.findall(".//t:Trackpoint", TCX_NS)
    assert len(points) == 1200
    assert points[0].findtext("t:Time", "", TCX_NS) == "2026-05-01T06:30:00Z"
    assert points[5].findtext("t:HeartRateBpm/t:Value", "", TCX_NS) == str(
        track.series.heart_rates[5]
    )
    assert points[5].findtext("t:Extensions/x:TPX/x:RunCadence", "", TCX_NS) == str(
        present(track.series.cadences)[5] // 2
    )


def test_to_tcx_writes_a_single_lap_for_a_track_without_laps() -> None:
    """The TCX writer puts a run without laps into one lap holding every point."""
    track = synthetic_run(start=START, points=100)
    bare = type(track)(track.sport, track.name, track.started_at, track.series, [])
    root = ET.fromstring(to_tcx(bare))
    assert len(root.findall(".//t:Lap", TCX_NS)) == 1
    assert len(root.findall(".//t:Trackpoint", TCX_NS)) == 100


def test_to_fit_is_a_valid_activity_file() -> None:
    """The FIT writer's file passes fitdecode's CRC check with every record, lap and session."""
    track = synthetic_run(start=START, points=1200)
    records: list[dict[str, Any]] = []
    laps: list[dict[str, Any]] = []
    sessions: list[dict[str, Any]] = []
    # RAISE: fitdecode checks the file's CRC, so the writer must get it right.
    with fitdecode.FitReader(io.BytesIO(to_fit(track)), check_crc=fitdecode.CrcCheck.RAISE) as f:
        for frame in f:
            if isinstance(frame, fitdecode.FitDataMessage):
                values = {field.name: field.value for field in frame.fields}
                {"record": records, "lap": laps, "session": sessions}.get(frame.name, []).append(
                    values
                )
    assert len(records) == 1200
    assert records[0]["timestamp"] == START
    assert records[-1]["timestamp"] == START + timedelta(seconds=1199)
    semicircle = 180 / 2**31
    assert records[7]["position_lat"] * semicircle == pytest.approx(
        track.series.latitudes[7], abs=1e-7
    )
    assert records[7]["heart_rate"] == track.series.heart_rates[7]
    assert records[7]["cadence"] * 2 == track.series.cadences[7]
    assert records[7]["enhanced_altitude"] == pytest.approx(track.series.elevations[7], abs=0.01)
    assert records[-1]["distance"] == pytest.approx(track.series.distances[-1], abs=0.01)
    assert [lap["total_distance"] for lap in laps] == [
        pytest.approx(lap.distance_m, abs=0.01) for lap in track.laps
    ]
    assert sessions[0]["sport"] == "running"
    assert sessions[0]["total_elapsed_time"] == 1199
