"""Realistic runs made up on demand, and writers for the files a watch would produce.

Test-data tooling: service and end-to-end tests (and the benchmarks) build a
run with :func:`synthetic_run` and upload it as GPX, TCX or FIT with
:func:`to_gpx`, :func:`to_tcx` and :func:`to_fit`. Everything is
deterministic for a seed. Writing FIT needs ``fit-tool``, installed by the
``testing`` extra (``runnerly-runs[testing]``), never by the service itself.

The generated values survive every format exactly: positions are rounded to
1e-7 degree, elevations to 0.1 m, and cadences are even (files store one
foot's strides, half the steps). FIT stores whole seconds, so give ``to_fit``
a run with a whole-second ``interval_s``.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any
from xml.sax.saxutils import escape

from fit_tool.fit_file_builder import FitFileBuilder
from fit_tool.profile import profile_type
from fit_tool.profile.messages.activity_message import ActivityMessage
from fit_tool.profile.messages.event_message import EventMessage
from fit_tool.profile.messages.file_id_message import FileIdMessage
from fit_tool.profile.messages.lap_message import LapMessage
from fit_tool.profile.messages.record_message import RecordMessage
from fit_tool.profile.messages.session_message import SessionMessage

from runnerly_runs.tracks.geo import cumulative_distances, offset_position
from runnerly_runs.tracks.model import Lap, Series, Track

#: A watch's auto-lap: one lap per kilometre.
AUTO_LAP_M = 1000.0


def synthetic_run(
    *,
    start: datetime,
    points: int,
    interval_s: float = 1.0,
    pace_s_per_km: float = 330.0,
    start_lat: float = 45.75,
    start_lon: float = 4.85,
    with_hr: bool = True,
    seed: int = 0,
) -> Track:
    """A deterministic run of ``points`` recordings, ``interval_s`` apart.

    The runner heads mostly north with gentle turns, at ``pace_s_per_km`` give or
    take 3 % from one second to the next, over undulating ground (±20 m over a
    few kilometres), with a heart rate rising from 120 towards 160 bpm and a
    cadence around 170 steps per minute. Laps are the auto-laps of each full
    kilometre, the rest in a last lap. ``start`` must be time-zone aware.
    """
    if start.tzinfo is None:
        raise ValueError("start must be time-zone aware")
    if points < 2:
        raise ValueError("a run needs at least 2 points")
    rng = random.Random(seed)  # noqa: S311 - reproducible test data, not secrets
    speed = 1000.0 / pace_s_per_km
    heading_phase = rng.uniform(0, 2 * math.pi)
    latitudes: list[float | None] = []
    longitudes: list[float | None] = []
    lat, lon = start_lat, start_lon
    for index in range(points):
        if index:
            step = speed * interval_s * rng.uniform(0.97, 1.03)
            # Gentle turns: the heading swings ±25° around north over ~10 minutes.
            heading = math.radians(25 * math.sin(heading_phase + index * interval_s / 100))
            lat, lon = offset_position(lat, lon, step * math.cos(heading), step * math.sin(heading))
        latitudes.append(round(lat, 7))
        longitudes.append(round(lon, 7))
    distances = cumulative_distances(latitudes, longitudes)
    seconds = [index * interval_s for index in range(points)]
    elevations: list[float | None] = [
        # Multiples of 0.2 m: FIT's altitude resolution, so every format keeps them exactly.
        round(round((200 + 15 * math.sin(d / 700) + 5 * math.sin(d / 230 + 1)) * 5) / 5, 1)
        for d in distances
    ]
    heart_rates: list[int | None] = [
        round(120 + 40 * (1 - math.exp(-t / 300)) + rng.uniform(-2, 2)) if with_hr else None
        for t in seconds
    ]
    cadences: list[int | None] = [2 * round(85 + rng.uniform(-1.5, 1.5)) for _ in seconds]
    series = Series(
        seconds=seconds,
        distances=distances,
        latitudes=latitudes,
        longitudes=longitudes,
        elevations=elevations,
        heart_rates=heart_rates,
        cadences=cadences,
    )
    return Track(
        sport="running",
        name="Morning Run",
        started_at=start.astimezone(UTC),
        series=series,
        laps=_auto_laps(series),
    )


def _auto_laps(series: Series) -> list[Lap]:
    """One lap per kilometre, each ending at the first point past its kilometre."""
    boundaries = [0]
    for index, distance in enumerate(series.distances):
        if distance >= AUTO_LAP_M * len(boundaries):
            boundaries.append(index)
    if boundaries[-1] != len(series) - 1:
        boundaries.append(len(series) - 1)
    laps = []
    for first, last in itertools.pairwise(boundaries):
        rates = [hr for hr in series.heart_rates[first : last + 1] if hr is not None]
        laps.append(
            Lap(
                start_offset_s=series.seconds[first],
                elapsed_s=series.seconds[last] - series.seconds[first],
                distance_m=series.distances[last] - series.distances[first],
                average_heart_rate=round(sum(rates) / len(rates)) if rates else None,
                max_heart_rate=max(rates) if rates else None,
            )
        )
    return laps


def _iso(moment: datetime) -> str:
    """ISO 8601 in UTC with a ``Z``, with milliseconds only when there are some."""
    moment = moment.astimezone(UTC)
    text = moment.strftime("%Y-%m-%dT%H:%M:%S")
    if moment.microsecond:
        text += f".{moment.microsecond // 1000:03d}"
    return text + "Z"


def _lap_ranges(track: Track) -> Iterator[tuple[Lap, range]]:
    """Each lap with the indices of its points (a point on a boundary opens the next lap)."""
    series = track.series
    laps = track.laps or [
        Lap(
            start_offset_s=0.0,
            elapsed_s=series.seconds[-1],
            distance_m=series.distances[-1],
        )
    ]
    index = 0
    for number, lap in enumerate(laps):
        first = index
        is_last = number == len(laps) - 1
        end = lap.start_offset_s + lap.elapsed_s
        while index < len(series) and (is_last or series.seconds[index] < end):
            index += 1
        yield lap, range(first, index)


def to_gpx(track: Track) -> bytes:
    """The run as a GPX 1.1 file with Garmin's TrackPointExtension (hr, cad per foot)."""
    series = track.series
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<gpx version="1.1" creator="Runnerly samples"'
        ' xmlns="http://www.topografix.com/GPX/1/1"'
        ' xmlns:gpxtpx="http://www.garmin.com/xmlschemas/TrackPointExtension/v1">',
        f"<metadata><time>{_iso(track.started_at)}</time></metadata>",
        "<trk>",
    ]
    if track.name is not None:
        lines.append(f"<name>{escape(track.name)}</name>")
    if track.sport is not None:
        lines.append(f"<type>{escape(track.sport)}</type>")
    lines.append("<trkseg>")
    for index in range(len(series)):
        lat, lon = series.latitudes[index], series.longitudes[index]
        position = (
            f' lat="{lat:.7f}" lon="{lon:.7f}"' if lat is not None and lon is not None else ""
        )
        parts = [f"<trkpt{position}>"]
        elevation = series.elevations[index]
        if elevation is not None:
            parts.append(f"<ele>{elevation:.1f}</ele>")
        moment = track.started_at + timedelta(seconds=series.seconds[index])
        parts.append(f"<time>{_iso(moment)}</time>")
        heart_rate, cadence = series.heart_rates[index], series.cadences[index]
        if heart_rate is not None or cadence is not None:
            parts.append("<extensions><gpxtpx:TrackPointExtension>")
            if heart_rate is not None:
                parts.append(f"<gpxtpx:hr>{heart_rate}</gpxtpx:hr>")
            if cadence is not None:
                parts.append(f"<gpxtpx:cad>{cadence // 2}</gpxtpx:cad>")
            parts.append("</gpxtpx:TrackPointExtension></extensions>")
        parts.append("</trkpt>")
        lines.append("".join(parts))
    lines += ["</trkseg>", "</trk>", "</gpx>", ""]
    return "\n".join(lines).encode()


_TCX_SPORTS = {"running": "Running", "cycling": "Biking", "biking": "Biking"}


def to_tcx(track: Track) -> bytes:
    """The run as a Garmin TCX file: one ``Lap`` per lap of the track (one if it has none).

    Cadence goes where Garmin's running watches put it: ``RunCadence`` (per
    foot) in the ActivityExtension's ``TPX``.
    """
    sport = _TCX_SPORTS.get(track.sport or "", "Other")
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        "<TrainingCenterDatabase"
        ' xmlns="http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2"'
        ' xmlns:ns3="http://www.garmin.com/xmlschemas/ActivityExtension/v2">',
        "<Activities>",
        f'<Activity Sport="{sport}">',
        f"<Id>{_iso(track.started_at)}</Id>",
    ]
    for lap, indices in _lap_ranges(track):
        lap_start = track.started_at + timedelta(seconds=lap.start_offset_s)
        lines += [
            f'<Lap StartTime="{_iso(lap_start)}">',
            f"<TotalTimeSeconds>{lap.elapsed_s:.3f}</TotalTimeSeconds>",
            f"<DistanceMeters>{lap.distance_m:.2f}</DistanceMeters>",
        ]
        if lap.average_heart_rate is not None:
            lines.append(
                f"<AverageHeartRateBpm><Value>{lap.average_heart_rate}</Value></AverageHeartRateBpm>"
            )
        if lap.max_heart_rate is not None:
            lines.append(
                f"<MaximumHeartRateBpm><Value>{lap.max_heart_rate}</Value></MaximumHeartRateBpm>"
            )
        lines += ["<Intensity>Active</Intensity>", "<TriggerMethod>Distance</TriggerMethod>"]
        lines.append("<Track>")
        lines.extend(_tcx_trackpoint(track, index) for index in indices)
        lines += ["</Track>", "</Lap>"]
    lines += ["</Activity>", "</Activities>", "</TrainingCenterDatabase>", ""]
    return "\n".join(lines).encode()


def _tcx_trackpoint(track: Track, index: int) -> str:
    series = track.series
    moment = track.started_at + timedelta(seconds=series.seconds[index])
    parts = ["<Trackpoint>", f"<Time>{_iso(moment)}</Time>"]
    lat, lon = series.latitudes[index], series.longitudes[index]
    if lat is not None and lon is not None:
        parts.append(
            f"<Position><LatitudeDegrees>{lat:.7f}</LatitudeDegrees>"
            f"<LongitudeDegrees>{lon:.7f}</LongitudeDegrees></Position>"
        )
    elevation = series.elevations[index]
    if elevation is not None:
        parts.append(f"<AltitudeMeters>{elevation:.1f}</AltitudeMeters>")
    parts.append(f"<DistanceMeters>{series.distances[index]:.2f}</DistanceMeters>")
    heart_rate = series.heart_rates[index]
    if heart_rate is not None:
        parts.append(f"<HeartRateBpm><Value>{heart_rate}</Value></HeartRateBpm>")
    cadence = series.cadences[index]
    if cadence is not None:
        parts.append(
            "<Extensions><ns3:TPX>"
            f"<ns3:RunCadence>{cadence // 2}</ns3:RunCadence>"
            "</ns3:TPX></Extensions>"
        )
    parts.append("</Trackpoint>")
    return "".join(parts)


def to_fit(track: Track) -> bytes:
    """The run as a FIT activity file (FileId, Records, Laps, a Session and the Activity).

    FIT timestamps are whole seconds: offsets are rounded.
    """
    start_ms = round(track.started_at.timestamp()) * 1000
    end_ms = start_ms + round(track.series.seconds[-1]) * 1000
    builder = FitFileBuilder(auto_define=True, min_string_size=50)

    file_id = FileIdMessage()
    file_id.type = profile_type.FileType.ACTIVITY
    file_id.manufacturer = profile_type.Manufacturer.DEVELOPMENT.value
    file_id.product = 0
    file_id.time_created = start_ms
    file_id.serial_number = 0x52554E52  # "RUNR"
    builder.add(file_id)

    # Watches bracket the records with timer start and stop events.
    builder.add(_fit_timer_event(profile_type.EventType.START, start_ms))
    builder.add_all(_fit_records(track, start_ms))
    builder.add(_fit_timer_event(profile_type.EventType.STOP_ALL, end_ms))
    builder.add_all(_fit_summaries(track, start_ms))
    data: bytes = builder.build().to_bytes()
    return data


def _fit_timer_event(event_type: Any, timestamp_ms: int) -> Any:
    event = EventMessage()
    event.event = profile_type.Event.TIMER
    event.event_type = event_type
    event.timestamp = timestamp_ms
    return event


def _fit_records(track: Track, start_ms: int) -> list[Any]:
    series = track.series
    records = []
    for index in range(len(series)):
        record = RecordMessage()
        record.timestamp = start_ms + round(series.seconds[index]) * 1000
        lat, lon = series.latitudes[index], series.longitudes[index]
        if lat is not None and lon is not None:
            record.position_lat = lat
            record.position_long = lon
        if series.elevations[index] is not None:
            record.enhanced_altitude = series.elevations[index]
        if series.heart_rates[index] is not None:
            record.heart_rate = series.heart_rates[index]
        cadence = series.cadences[index]
        if cadence is not None:
            record.cadence = cadence // 2
        record.distance = series.distances[index]
        records.append(record)
    return records


def _fit_summaries(track: Track, start_ms: int) -> list[Any]:
    """The Lap messages, then the Session and the Activity that close an activity file."""
    sports = profile_type.Sport
    series = track.series
    sport = {"running": sports.RUNNING, "cycling": sports.CYCLING}.get(
        track.sport or "", sports.GENERIC
    )

    def at(offset_s: float) -> int:
        return start_ms + round(offset_s) * 1000

    summaries = []
    for number, (lap, _) in enumerate(_lap_ranges(track)):
        message = LapMessage()
        message.message_index = number
        message.timestamp = at(lap.start_offset_s + lap.elapsed_s)
        message.start_time = at(lap.start_offset_s)
        message.total_elapsed_time = lap.elapsed_s
        message.total_timer_time = lap.elapsed_s
        message.total_distance = lap.distance_m
        if lap.average_heart_rate is not None:
            message.avg_heart_rate = lap.average_heart_rate
        if lap.max_heart_rate is not None:
            message.max_heart_rate = lap.max_heart_rate
        message.sport = sport
        summaries.append(message)

    session = SessionMessage()
    session.timestamp = at(series.seconds[-1])
    session.start_time = start_ms
    session.sport = sport
    session.total_elapsed_time = series.seconds[-1]
    session.total_timer_time = series.seconds[-1]
    session.total_distance = series.distances[-1]
    session.first_lap_index = 0
    session.num_laps = len(summaries)
    summaries.append(session)

    activity = ActivityMessage()
    activity.timestamp = at(series.seconds[-1])
    activity.num_sessions = 1
    activity.total_timer_time = series.seconds[-1]
    summaries.append(activity)
    return summaries
