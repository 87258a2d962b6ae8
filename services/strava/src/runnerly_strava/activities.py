"""From Strava's DetailedActivity and StreamSet to the body of runs' Strava import.

Pure functions, no I/O. Only running activities are kept: ``sport_type``
(or, for older payloads, ``type``) among Run, TrailRun and VirtualRun.
"""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

RUNNING_SPORTS = frozenset({"Run", "TrailRun", "VirtualRun"})
STREAM_NAMES = ("time", "distance", "latlng", "altitude", "heartrate", "cadence")
TITLE_LENGTH = 200
_GMT_PREFIX = re.compile(r"^\(GMT[+-]\d{2}:\d{2}\)\s*")


def sport_of(activity: dict[str, Any]) -> str:
    """The activity's sport: ``sport_type``, else the legacy ``type``."""
    return str(activity.get("sport_type") or activity.get("type") or "")


def is_run(activity: dict[str, Any]) -> bool:
    """True for the sports Runnerly keeps."""
    return sport_of(activity) in RUNNING_SPORTS


def parse_time(value: Any) -> datetime | None:
    """Strava's ISO 8601 UTC timestamps (``2018-02-16T14:52:54Z``), aware."""
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo is not None else None


def time_zone(value: Any) -> str | None:
    """``"(GMT+01:00) Europe/Paris"`` → ``"Europe/Paris"`` (None when not an IANA name)."""
    if not isinstance(value, str):
        return None
    name = _GMT_PREFIX.sub("", value).strip()
    if not name:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


def run_body(activity: dict[str, Any], streams: dict[str, Any] | None) -> dict[str, Any]:
    """The JSON body of ``PUT /v1/internal/runners/{runner}/strava-activities/{id}``."""
    started_at = parse_time(activity.get("start_date"))
    if started_at is None:
        raise ValueError("the activity has no start_date")
    title = str(activity.get("name") or "").strip()[:TITLE_LENGTH] or f"{sport_of(activity)}"
    polyline = (activity.get("map") or {}).get("summary_polyline") or None
    return {
        "title": title,
        "description": activity.get("description") or None,
        "sport": sport_of(activity),
        "started_at": started_at.isoformat(),
        "time_zone": time_zone(activity.get("timezone")),
        "distance_m": float(activity.get("distance") or 0.0),
        "moving_time_s": float(activity.get("moving_time") or 0.0),
        "elapsed_time_s": float(activity.get("elapsed_time") or 0.0),
        "elevation_gain_m": _number(activity.get("total_elevation_gain")),
        "average_heart_rate": _number(activity.get("average_heartrate")),
        "max_heart_rate": _number(activity.get("max_heartrate")),
        "average_cadence": _number(activity.get("average_cadence")),
        "polyline": polyline,
        "laps": _laps(activity, started_at, streams),
        "streams": _streams(streams),
    }


def _laps(
    activity: dict[str, Any], started_at: datetime, streams: dict[str, Any] | None
) -> list[dict[str, Any]]:
    laps = activity.get("laps") or []
    times = _stream(streams, "time")
    result = []
    elapsed_so_far = 0.0
    for lap in laps:
        if not isinstance(lap, dict):
            continue
        lap_start = parse_time(lap.get("start_date"))
        if lap_start is not None:
            offset = (lap_start - started_at).total_seconds()
        elif (
            times is not None
            and isinstance(lap.get("start_index"), int)
            and lap["start_index"] < len(times)
        ):
            offset = float(times[lap["start_index"]])
        else:
            offset = elapsed_so_far
        elapsed = float(lap.get("elapsed_time") or 0.0)
        elapsed_so_far = offset + elapsed
        result.append(
            {
                "start_offset_s": max(0.0, offset),
                "elapsed_s": elapsed,
                "distance_m": float(lap.get("distance") or 0.0),
                "average_heart_rate": _number(lap.get("average_heartrate")),
                "max_heart_rate": _number(lap.get("max_heartrate")),
            }
        )
    return result


def _streams(streams: dict[str, Any] | None) -> dict[str, list[Any]] | None:
    if _stream(streams, "time") is None:
        return None
    return {name: values for name in STREAM_NAMES if (values := _stream(streams, name)) is not None}


def _stream(streams: dict[str, Any] | None, name: str) -> list[Any] | None:
    if not streams:
        return None
    stream = streams.get(name)
    data = stream.get("data") if isinstance(stream, dict) else None
    return data if isinstance(data, list) else None


def _number(value: Any) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)
