"""Reading GPX files with gpxpy: every track and segment, Garmin's hr/cad extensions."""

from __future__ import annotations

import re
from xml.etree.ElementTree import Element

import gpxpy
import gpxpy.gpx
from gpxpy.gpxfield import parse_time

from .building import Point, as_utc, build_track
from .model import Track
from .problems import FileProblem

# Any <time> element's text, to find the times gpxpy silently dropped.
_TIME_TEXT = re.compile(r"<(?:[\w.-]+:)?time\s*>\s*([^<]*?)\s*<")


def read_gpx(content: bytes) -> Track:
    """The track of a GPX file (all its tracks and segments, in time order).

    Heart rate and cadence come from Garmin's TrackPointExtension (``hr``,
    ``cad``; any namespace version), cadence being per foot and doubled. The
    sport is the first track's ``<type>``.
    """
    try:
        text = content.decode("utf-8-sig")
        document = gpxpy.parse(text)
    except UnicodeDecodeError as error:
        raise FileProblem("corrupt", "it is not UTF-8 text") from error
    except (gpxpy.gpx.GPXException, ValueError) as error:
        raise FileProblem("corrupt", f"it is not a valid GPX file ({error})") from error
    points: list[Point] = []
    timeless = 0
    for track in document.tracks:
        for segment in track.segments:
            for gpx_point in segment.points:
                if gpx_point.time is None:
                    timeless += 1
                    continue
                heart_rate, cadence = _extensions(gpx_point.extensions)
                points.append(
                    Point(
                        time=as_utc(gpx_point.time),
                        latitude=gpx_point.latitude,
                        longitude=gpx_point.longitude,
                        elevation=gpx_point.elevation,
                        heart_rate=heart_rate,
                        cadence=cadence,
                    )
                )
    if timeless:
        _refuse_bad_times(text)
    if not points:
        what = "only a planned route" if document.routes and not document.tracks else "no track"
        raise FileProblem("no_track", f"it has {what}: no recorded points with a time")
    first = document.tracks[0] if document.tracks else None
    # gpxpy types a track's type as None only: read it untyped.
    sport = getattr(first, "type", None)
    name = (first.name if first else None) or document.name
    return build_track(points, sport=sport if isinstance(sport, str) else None, name=name)


def _refuse_bad_times(text: str) -> None:
    """Raise ``corrupt`` if a ``<time>`` is unreadable (gpxpy makes it None without a word)."""
    for match in _TIME_TEXT.finditer(text):
        try:
            parse_time(match.group(1))
        except (gpxpy.gpx.GPXException, ValueError) as error:
            raise FileProblem(
                "corrupt", f"it has a time that cannot be read: {match.group(1)[:40]!r}"
            ) from error


def _extensions(extensions: list[Element]) -> tuple[int | None, int | None]:
    """Heart rate and cadence (both feet) from a point's extensions, if present."""
    heart_rate: int | None = None
    cadence: int | None = None
    for extension in extensions:
        for element in extension.iter():
            name = element.tag.rsplit("}", 1)[-1].lower()
            if name not in {"hr", "cad", "cadence", "heartrate"} or not element.text:
                continue
            try:
                value = round(float(element.text))
            except ValueError:
                continue
            if name in {"hr", "heartrate"}:
                heart_rate = value if value > 0 else None
            else:
                cadence = value * 2
    return heart_rate, cadence
