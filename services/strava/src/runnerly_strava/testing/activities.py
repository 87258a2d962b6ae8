"""What the local Strava serves about athletes and activities: Strava's payloads, made up.

An :class:`Activity` is given its figures (distance, moving time, start); its
streams (every :data:`SAMPLE_SECONDS` along a straight line out of Paris) and
its laps (one per kilometre) are generated from them, so every payload about
it agrees with the others, as Strava's do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

#: How often the generated streams record a point.
SAMPLE_SECONDS = 5


@dataclass
class Athlete:
    """A Strava athlete."""

    id: int
    firstname: str
    lastname: str


@dataclass
class Activity:
    """A Strava activity, with streams and laps generated consistently from its figures."""

    id: int
    athlete_id: int
    name: str
    sport_type: str
    start_date: datetime
    distance: float
    moving_time: int
    elapsed_time: int
    timezone: str = "Europe/Paris"
    description: str | None = None
    total_elevation_gain: float = 42.0
    has_heartrate: bool = True
    streams: dict[str, list[Any]] = field(default_factory=dict)
    laps: list[dict[str, Any]] = field(default_factory=list)

    @property
    def legacy_type(self) -> str:
        """The deprecated ``type``: TrailRun was a "Run" there."""
        return {"TrailRun": "Run", "MountainBikeRide": "Ride", "GravelRide": "Ride"}.get(
            self.sport_type, self.sport_type
        )

    def summary(self) -> dict[str, Any]:
        """The SummaryActivity of ``/athlete/activities``."""
        zone = ZoneInfo(self.timezone)
        local = self.start_date.astimezone(zone)
        offset = local.utcoffset() or timedelta()
        hours, minutes = divmod(int(offset.total_seconds()) // 60, 60)
        latlng = self.streams.get("latlng") or [[0.0, 0.0]]
        heart = self.streams.get("heartrate") or []
        cadence = self.streams.get("cadence") or []
        return {
            "resource_state": 2,
            "athlete": {"id": self.athlete_id, "resource_state": 1},
            "id": self.id,
            "external_id": f"garmin_push_{self.id}",
            "upload_id": self.id * 10,
            "name": self.name,
            "distance": self.distance,
            "moving_time": self.moving_time,
            "elapsed_time": self.elapsed_time,
            "total_elevation_gain": self.total_elevation_gain,
            "type": self.legacy_type,
            "sport_type": self.sport_type,
            "start_date": strava_time(self.start_date),
            "start_date_local": local.replace(tzinfo=None).isoformat() + "Z",
            "timezone": f"(GMT{'+' if hours >= 0 else '-'}{abs(hours):02d}:{minutes:02d}) "
            f"{self.timezone}",
            "utc_offset": offset.total_seconds(),
            "start_latlng": latlng[0],
            "end_latlng": latlng[-1],
            "achievement_count": 0,
            "kudos_count": 3,
            "trainer": self.sport_type == "VirtualRun",
            "commute": False,
            "manual": not self.streams,
            "private": False,
            "flagged": False,
            "gear_id": None,
            "average_speed": round(self.distance / self.moving_time, 3) if self.moving_time else 0,
            "max_speed": round(self.distance / self.moving_time * 1.3, 3)
            if self.moving_time
            else 0,
            "has_heartrate": bool(heart),
            "average_heartrate": round(sum(heart) / len(heart), 1) if heart else None,
            "max_heartrate": float(max(heart)) if heart else None,
            "average_cadence": round(sum(cadence) / len(cadence), 1) if cadence else None,
            "elev_high": max(self.streams.get("altitude") or [0.0]),
            "elev_low": min(self.streams.get("altitude") or [0.0]),
            "map": {
                "id": f"a{self.id}",
                "summary_polyline": encode_polyline(latlng[::10]) if self.streams else "",
                "resource_state": 2,
            },
        }

    def detailed(self) -> dict[str, Any]:
        """The DetailedActivity of ``/activities/{id}``."""
        body = self.summary()
        body["resource_state"] = 3
        body["description"] = self.description
        body["calories"] = round(self.distance / 1000 * 62, 1)
        body["device_name"] = "Garmin Forerunner 965"
        body["map"]["polyline"] = encode_polyline(self.streams.get("latlng") or [])
        body["laps"] = [dict(lap) for lap in self.laps]
        return body


def strava_time(moment: datetime) -> str:
    """A time as Strava writes it: UTC, whole seconds, with a ``Z``."""
    return moment.astimezone(UTC).replace(tzinfo=None).isoformat(timespec="seconds") + "Z"


def generate(activity: Activity) -> tuple[dict[str, list[Any]], list[dict[str, Any]]]:
    """Streams every few seconds along a straight line out of Paris, and a lap per kilometre."""
    points = max(2, activity.moving_time // SAMPLE_SECONDS + 1)
    speed = activity.distance / activity.moving_time
    lat0, lng0 = 48.8566, 2.3522
    metres_per_degree_lng = 111_320.0 * math.cos(math.radians(lat0))
    times = [min(i * SAMPLE_SECONDS, activity.moving_time) for i in range(points)]
    distance = [round(t * speed, 1) for t in times]
    latlng = [
        [lat0 + (d % 500) / 111_320.0 / 10, round(lng0 + d / metres_per_degree_lng, 6)]
        for d in distance
    ]
    latlng = [[round(lat, 6), lng] for lat, lng in latlng]
    altitude = [round(35.0 + 6.0 * math.sin(d / 800.0), 1) for d in distance]
    heartrate = [int(140 + 12 * math.sin(t / 300.0) + min(t, 600) / 60) for t in times]
    cadence = [86 + (i % 3) for i in range(points)]
    streams: dict[str, list[Any]] = {
        "time": times,
        "distance": distance,
        "latlng": latlng,
        "altitude": altitude,
        "cadence": cadence,
    }
    if activity.has_heartrate:
        streams["heartrate"] = heartrate
    laps: list[dict[str, Any]] = []
    start_index = 0
    lap_number = 1
    while start_index < points - 1:
        target = lap_number * 1000.0
        end_index = next(
            (i for i in range(start_index, points) if distance[i] >= target), points - 1
        )
        lap_hr = heartrate[start_index : end_index + 1]
        elapsed = times[end_index] - times[start_index]
        laps.append(
            {
                "id": activity.id * 100 + lap_number,
                "resource_state": 2,
                "name": f"Lap {lap_number}",
                "activity": {"id": activity.id, "resource_state": 1},
                "athlete": {"id": activity.athlete_id, "resource_state": 1},
                "elapsed_time": elapsed,
                "moving_time": elapsed,
                "start_date": strava_time(
                    activity.start_date + timedelta(seconds=times[start_index])
                ),
                "start_date_local": strava_time(
                    activity.start_date + timedelta(seconds=times[start_index])
                ),
                "distance": round(distance[end_index] - distance[start_index], 1),
                "start_index": start_index,
                "end_index": end_index,
                "total_elevation_gain": 4.2,
                "average_speed": round(speed, 3),
                "max_speed": round(speed * 1.2, 3),
                "average_cadence": 87.0,
                "average_heartrate": round(sum(lap_hr) / len(lap_hr), 1) if lap_hr else None,
                "max_heartrate": float(max(lap_hr)) if lap_hr else None,
                "lap_index": lap_number,
                "split": lap_number,
                "pace_zone": 2,
            }
        )
        start_index = end_index
        lap_number += 1
    return streams, laps


def encode_polyline(points: list[list[float]]) -> str:
    """Google's encoded polyline format (precision 5), as Strava's ``map.summary_polyline``."""
    result: list[str] = []
    previous = (0, 0)
    for lat, lng in points:
        current = (round(lat * 1e5), round(lng * 1e5))
        for delta in (current[0] - previous[0], current[1] - previous[1]):
            value = ~(delta << 1) if delta < 0 else delta << 1
            while value >= 0x20:
                result.append(chr((0x20 | (value & 0x1F)) + 63))
                value >>= 5
            result.append(chr(value + 63))
        previous = current
    return "".join(result)
