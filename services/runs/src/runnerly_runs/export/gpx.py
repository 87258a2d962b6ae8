"""A run's track as a GPX 1.1 file, regenerated from its stored series (with gpxpy).

Pure: a title, a start and a series in, bytes out. Heart rate and cadence go
in Garmin's TrackPointExtension, cadence per foot (halved), exactly as the
runs service reads them back (``tracks.gpx``): a regenerated file imports as
the same run. Points without a position are left out (a GPX point needs one).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from xml.etree.ElementTree import Element, SubElement

import gpxpy.gpx

from runnerly_runs.tracks import Series

MEDIA_TYPE = "application/gpx+xml"
_TPX = "http://www.garmin.com/xmlschemas/TrackPointExtension/v1"


def has_positions(series: Series) -> bool:
    """True when at least one point has a position, i.e. there is a track to write."""
    return any(
        lat is not None and lon is not None
        for lat, lon in zip(series.latitudes, series.longitudes, strict=True)
    )


def gpx_of(title: str, sport: str | None, started_at: datetime, series: Series) -> bytes:
    """The GPX document of one recorded run."""
    document = gpxpy.gpx.GPX()
    document.creator = "Runnerly (regenerated from the stored recording)"
    document.nsmap["gpxtpx"] = _TPX
    track = gpxpy.gpx.GPXTrack(name=title)
    # gpxpy declares a track's type as None only; it writes what it is given.
    track.type = sport  # type: ignore[assignment]
    segment = gpxpy.gpx.GPXTrackSegment()
    for index, seconds in enumerate(series.seconds):
        latitude, longitude = series.latitudes[index], series.longitudes[index]
        if latitude is None or longitude is None:
            continue
        point = gpxpy.gpx.GPXTrackPoint(
            latitude,
            longitude,
            elevation=series.elevations[index],
            time=started_at + timedelta(seconds=seconds),
        )
        extension = _extension(series.heart_rates[index], series.cadences[index])
        if extension is not None:
            point.extensions.append(extension)
        segment.points.append(point)
    track.segments.append(segment)
    document.tracks.append(track)
    return document.to_xml(version="1.1").encode()


def _extension(heart_rate: int | None, cadence: int | None) -> Element | None:
    if heart_rate is None and cadence is None:
        return None
    extension = Element(f"{{{_TPX}}}TrackPointExtension")
    if heart_rate is not None:
        SubElement(extension, f"{{{_TPX}}}hr").text = str(heart_rate)
    if cadence is not None:
        # Both feet in the series; GPX's cad is per foot.
        SubElement(extension, f"{{{_TPX}}}cad").text = str(round(cadence / 2))
    return extension
