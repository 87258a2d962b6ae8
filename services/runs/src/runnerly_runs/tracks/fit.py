"""Reading FIT activity files with fitdecode: records, laps and the session's sport."""

from __future__ import annotations

import io
from datetime import datetime
from typing import Any

import fitdecode  # type: ignore[import-untyped]

from .building import Point, RawLap, as_utc, build_track
from .model import Track
from .problems import FileProblem

#: FIT stores angles in semicircles: 2^31 of them make 180 degrees.
_DEGREES_PER_SEMICIRCLE = 180.0 / 2**31


def read_fit(content: bytes) -> Track:
    """The track of a FIT file.

    Positions are converted from semicircles, altitude is ``enhanced_altitude``
    (else ``altitude``), cadence is per foot plus ``fractional_cadence``,
    doubled. The CRC is checked: a file whose bytes were damaged is refused.
    """
    points: list[Point] = []
    laps: list[RawLap] = []
    sport: str | None = None
    session_sport: str | None = None
    try:
        with fitdecode.FitReader(
            io.BytesIO(content),
            check_crc=fitdecode.CrcCheck.RAISE,
            # What this tolerates are known quirks of real watches (odd field sizes,
            # developer fields defined late); damage is caught by the CRC instead.
            error_handling=fitdecode.ErrorHandling.IGNORE,
            keep_raw_chunks=False,
        ) as reader:
            for frame in reader:
                if not isinstance(frame, fitdecode.FitDataMessage):
                    continue
                if frame.name == "record":
                    point = _point(frame)
                    if point is not None:
                        points.append(point)
                elif frame.name == "lap":
                    laps.append(_lap(frame))
                elif frame.name == "session" and session_sport is None:
                    session_sport = _text(_value(frame, "sport"))
                elif frame.name == "sport" and sport is None:
                    sport = _text(_value(frame, "sport"))
    except fitdecode.FitCRCError as error:
        raise FileProblem("corrupt", "its checksum does not match: the file is damaged") from error
    except fitdecode.FitEOFError as error:
        raise FileProblem("corrupt", "it ends too early: the file is truncated") from error
    except (fitdecode.FitError, ValueError, TypeError, KeyError) as error:
        raise FileProblem("corrupt", f"it is not a valid FIT file ({error})") from error
    if not points:
        raise FileProblem("no_track", "it has no track: no recorded points with a time")
    return build_track(points, sport=session_sport or sport, name=None, laps=laps)


def _value(frame: Any, name: str) -> Any:
    """A field's value, None when the message lacks it or marks it invalid."""
    if not frame.has_field(name):
        return None
    return frame.get_value(name, fallback=None)


def _text(value: Any) -> str | None:
    """An enum value as fitdecode names it ("running"), or None for an unknown number."""
    return value if isinstance(value, str) else None


def _number(value: Any) -> float | None:
    return float(value) if isinstance(value, int | float) else None


def _point(frame: Any) -> Point | None:
    timestamp = _value(frame, "timestamp")
    if not isinstance(timestamp, datetime):
        return None
    lat = _number(_value(frame, "position_lat"))
    lon = _number(_value(frame, "position_long"))
    if lat is None or lon is None:
        lat = lon = None
    else:
        lat, lon = lat * _DEGREES_PER_SEMICIRCLE, lon * _DEGREES_PER_SEMICIRCLE
    elevation = _number(_value(frame, "enhanced_altitude"))
    if elevation is None:
        elevation = _number(_value(frame, "altitude"))
    heart_rate = _number(_value(frame, "heart_rate"))
    cadence = _number(_value(frame, "cadence"))
    if cadence is not None:
        cadence = (cadence + (_number(_value(frame, "fractional_cadence")) or 0.0)) * 2
    distance = _number(_value(frame, "distance"))
    return Point(
        time=as_utc(timestamp),
        latitude=lat,
        longitude=lon,
        # FIT's scaled integers come back as floats with noise (204.20000000000005).
        elevation=round(elevation, 2) if elevation is not None else None,
        heart_rate=round(heart_rate) if heart_rate else None,
        cadence=round(cadence) if cadence is not None else None,
        distance=round(distance, 2) if distance is not None else None,
    )


def _lap(frame: Any) -> RawLap:
    start = _value(frame, "start_time")
    average = _number(_value(frame, "avg_heart_rate"))
    maximum = _number(_value(frame, "max_heart_rate"))
    return RawLap(
        start=as_utc(start) if isinstance(start, datetime) else None,
        elapsed_s=_number(_value(frame, "total_elapsed_time")) or 0.0,
        distance_m=_number(_value(frame, "total_distance")) or 0.0,
        average_heart_rate=round(average) if average else None,
        max_heart_rate=round(maximum) if maximum else None,
    )
