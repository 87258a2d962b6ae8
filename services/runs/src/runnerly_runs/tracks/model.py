"""A run's recording, whatever file or API it came from.

Every reader (GPX, TCX, FIT, Strava streams) produces a :class:`Track`; every
figure Runnerly shows (distance, moving time, splits, best efforts, the route)
is computed from it by the same code, so two sources of one run agree.

Units are SI throughout: metres, seconds, metres per second. Cadence is in
steps per minute counting both feet (files and Strava record strides per
minute, one foot; readers double it).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Literal

FileFormat = Literal["gpx", "tcx", "fit"]

#: The distances of best efforts, by the name the API uses.
BEST_EFFORT_DISTANCES: dict[str, float] = {
    "1k": 1000.0,
    "5k": 5000.0,
    "10k": 10000.0,
    "half_marathon": 21097.5,
    "marathon": 42195.0,
}


@dataclass(frozen=True, slots=True)
class Series:
    """The full time series: one entry per recorded point, all columns the same length.

    ``seconds`` starts at 0 and never decreases; ``distances`` is cumulative and
    never decreases. A column a recording does not have holds ``None`` entries.
    """

    seconds: list[float]
    distances: list[float]
    latitudes: list[float | None]
    longitudes: list[float | None]
    elevations: list[float | None]
    heart_rates: list[int | None]
    cadences: list[int | None]

    def __len__(self) -> int:
        return len(self.seconds)


@dataclass(frozen=True, slots=True)
class Lap:
    """A lap as the watch recorded it (the lap button, or its auto-lap)."""

    start_offset_s: float
    elapsed_s: float
    distance_m: float
    average_heart_rate: int | None = None
    max_heart_rate: int | None = None


@dataclass(frozen=True, slots=True)
class Track:
    """One recorded activity, as read from a file or from Strava's streams."""

    #: The activity's sport as the source names it, lower-case ("running", "cycling"), if any.
    sport: str | None
    #: The name the file or the watch gave it, if any.
    name: str | None
    #: When the recording started: time-zone aware, in UTC.
    started_at: datetime
    series: Series
    laps: list[Lap] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class ImportedFile:
    """One activity file of an upload (a zip gives several)."""

    filename: str
    format: FileFormat
    #: SHA-256 of the file's bytes: importing the same file twice is recognised by it.
    fingerprint: str
    track: Track


@dataclass(frozen=True, slots=True)
class Split:
    """One kilometre of a run (the last one may be shorter)."""

    kilometre: int
    distance_m: float
    elapsed_s: float
    moving_s: float
    elevation_change_m: float | None
    average_heart_rate: int | None


@dataclass(frozen=True, slots=True)
class Summary:
    """The headline figures of a run, computed from its series."""

    distance_m: float
    moving_s: float
    elapsed_s: float
    elevation_gain_m: float | None
    average_heart_rate: float | None
    max_heart_rate: int | None
    average_cadence: float | None
    #: Distance over moving time.
    average_speed_mps: float
    #: The simplified route, Google's encoded polyline format; empty without positions.
    polyline: str
    splits: list[Split]


@dataclass(frozen=True, slots=True)
class BestEffort:
    """The fastest stretch of one standard distance within a run."""

    name: str
    distance_m: float
    elapsed_s: float
    start_offset_s: float


class UnreadableFile(Exception):
    """An uploaded file that cannot become a run; ``problem`` is a stable code for the API."""

    def __init__(self, filename: str, problem: str, message: str) -> None:
        super().__init__(message)
        self.filename = filename
        #: ``empty``, ``corrupt``, ``unknown_format``, ``no_track``, ``too_large``,
        #: ``too_many_files`` or ``unsafe``.
        self.problem = problem
        self.message = message
