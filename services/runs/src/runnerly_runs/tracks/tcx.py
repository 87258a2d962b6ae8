"""Reading Garmin TCX files: tcxreader for the trackpoints, ElementTree for the rest.

tcxreader's ``TCXReader.read`` opens a path with the standard, unprotected
parser and drops what a lap states about itself (its start time, duration and
heart rate). So the document is parsed here with defusedxml, laps are read
directly, and each ``Trackpoint`` is handed to tcxreader's own
``trackpoint_parser``.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any
from xml.etree.ElementTree import Element

from defusedxml import DefusedXmlException  # type: ignore[import-untyped]
from defusedxml.ElementTree import ParseError, fromstring  # type: ignore[import-untyped]
from tcxreader.tcx_track_point import TCXTrackPoint  # type: ignore[import-untyped]
from tcxreader.tcxreader import TCXReader  # type: ignore[import-untyped]

from .building import Point, RawLap, as_utc, build_track
from .model import Track
from .problems import FileProblem

_NS = "{http://www.garmin.com/xmlschemas/TrainingCenterDatabase/v2}"


def read_tcx(content: bytes) -> Track:
    """The track of a TCX file: every Activity's laps and trackpoints, in time order.

    Cadence (``Cadence`` or the extension's ``RunCadence``) is per foot and is
    doubled. The sport is the first Activity's ``Sport`` attribute, lower-cased
    ("running", "biking", "other").
    """
    try:
        root = fromstring(content, forbid_dtd=True)
    except DefusedXmlException as refused:
        raise FileProblem("unsafe", "it declares a DOCTYPE or XML entities") from refused
    except ParseError as broken:
        raise FileProblem("corrupt", f"it is not well-formed XML ({broken})") from broken
    reader: Any = TCXReader()
    points: list[Point | None] = []
    laps: list[RawLap] = []
    sport: str | None = None
    for activity in root.iter(_NS + "Activity"):
        if sport is None:
            sport = activity.get("Sport")
        for lap in activity.iter(_NS + "Lap"):
            laps.append(_lap(lap))
            points.extend(_point(reader, element) for element in lap.iter(_NS + "Trackpoint"))
    kept = [point for point in points if point is not None]
    if not kept:
        raise FileProblem("no_track", "it has no track: no recorded points with a time")
    return build_track(kept, sport=sport, name=None, laps=laps)


def _point(reader: Any, element: Element) -> Point | None:
    """A Trackpoint read by tcxreader, or None when it has no time."""
    parsed: Any = TCXTrackPoint(tpx_ext={})
    try:
        reader.trackpoint_parser(parsed, element)
    except (ValueError, TypeError) as error:
        raise FileProblem(
            "corrupt", f"it has a trackpoint that cannot be read ({error})"
        ) from error
    time: datetime | None = parsed.time
    if time is None:
        return None
    cadence = parsed.tpx_ext.get("RunCadence")
    if cadence is None:
        cadence = parsed.cadence
    heart_rate = parsed.hr_value
    return Point(
        time=as_utc(time),
        latitude=parsed.latitude,
        longitude=parsed.longitude,
        elevation=parsed.elevation,
        heart_rate=heart_rate if heart_rate else None,
        cadence=round(cadence * 2) if isinstance(cadence, int | float) else None,
        distance=parsed.distance,
    )


def _lap(element: Element) -> RawLap:
    """What a Lap element states: StartTime, TotalTimeSeconds, DistanceMeters, heart rates."""
    try:
        start_text = element.get("StartTime")
        start = as_utc(datetime.fromisoformat(start_text)) if start_text else None
        return RawLap(
            start=start,
            elapsed_s=float(element.findtext(_NS + "TotalTimeSeconds") or 0),
            distance_m=float(element.findtext(_NS + "DistanceMeters") or 0),
            average_heart_rate=_bpm(element.findtext(f"{_NS}AverageHeartRateBpm/{_NS}Value")),
            max_heart_rate=_bpm(element.findtext(f"{_NS}MaximumHeartRateBpm/{_NS}Value")),
        )
    except ValueError as error:
        raise FileProblem("corrupt", f"it has a lap that cannot be read ({error})") from error


def _bpm(text: str | None) -> int | None:
    return round(float(text)) if text else None
