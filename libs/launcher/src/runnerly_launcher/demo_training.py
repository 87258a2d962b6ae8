"""A year of a runner's training, generated: the runs ``runnerly demo`` imports, as GPX files.

Deterministic: the same seed and last day give byte-identical files, so a second
``runnerly demo`` uploads the very files runs already holds (runs recognises a
file by its SHA-256) and adds nothing.

The runner trains around the Lac Daumesnil, in the Bois de Vincennes (Paris):
three runs a week at first, up to five, with a weekly long run, a weekly interval
session, an easier week every fourth and a fitness that improves through the year
(easy pace from about 6:05 down to 5:25 /km). Each run is a loop of the park at a
pace and heart rate that fit its kind, sampled every few seconds, with elevation
from a fixed terrain (the same spot always has the same height), the small wander
of a GPS fix, and Garmin's heart-rate and cadence extension, as watches write it.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import Enum
from xml.etree import ElementTree as ET
from zoneinfo import ZoneInfo

import gpxpy.gpx

#: Where the demo runner lives and runs.
PLACE = "Bois de Vincennes, Paris"
TIME_ZONE = "Europe/Paris"
CENTRE = (48.8335, 2.4125)  # the Lac Daumesnil
MAX_HEART_RATE = 190
RESTING_HEART_RATE = 52
#: One point every this many seconds (watches in "smart" recording are close to it).
SAMPLE_SECONDS = 4
WEEKS = 52
_METRES_PER_DEGREE = 111_320.0
_TPX = "http://www.garmin.com/xmlschemas/TrackPointExtension/v1"


class Kind(Enum):
    easy = "Easy run"
    long = "Long run"
    intervals = "Intervals"
    recovery = "Recovery run"


@dataclass(frozen=True, slots=True)
class Segment:
    """A stretch of a run at one effort: its length, pace and the heart rate it settles at."""

    distance_m: float
    pace_s_per_km: float
    heart_rate: float


@dataclass(frozen=True, slots=True)
class PlannedRun:
    """One run of the plan: when, what kind, and its segments in order."""

    started_at: datetime
    kind: Kind
    title: str
    segments: tuple[Segment, ...]

    @property
    def distance_m(self) -> float:
        """The planned distance (the track's, measured by runs, is within a few percent)."""
        return sum(s.distance_m for s in self.segments)


@dataclass(frozen=True, slots=True)
class DemoFile:
    """A generated run, as the file uploaded."""

    filename: str
    content: bytes
    run: PlannedRun


def training_year(last_day: date, *, seed: int = 7) -> list[PlannedRun]:
    """Every run of the 52 weeks ending with the week of ``last_day``, oldest first, none later."""
    rng = random.Random(seed)  # noqa: S311  # a repeatable plan, not a secret
    monday = last_day - timedelta(days=last_day.weekday()) - timedelta(weeks=WEEKS - 1)
    zone = ZoneInfo(TIME_ZONE)
    plan: list[PlannedRun] = []
    for week in range(WEEKS):
        fitness = week / (WEEKS - 1)  # 0 at the start of the year, 1 at its end
        easier = week % 4 == 3  # every fourth week the body absorbs the three before
        for weekday, kind in _week_pattern(week, rng):
            day = monday + timedelta(weeks=week, days=weekday)
            if day > last_day:
                continue
            start = _start_time(day, weekday, rng, zone)
            segments, title = _segments(kind, fitness, easier, rng)
            plan.append(PlannedRun(start, kind, title, segments))
    return plan


def _week_pattern(week: int, rng: random.Random) -> list[tuple[int, Kind]]:
    """The days (0 = Monday) and kinds of a week's runs: 3 at first, 4 from spring, 5 late."""
    runs = [(1, Kind.intervals), (3, Kind.easy), (6, Kind.long)]
    if week >= 12:
        runs.append((5, Kind.recovery))
    if week >= 32:
        runs.append((2, Kind.easy))
    # Life happens: about one week in eight, one run (never the long one) is missed.
    if rng.random() < 0.125:
        runs.remove(rng.choice([r for r in runs if r[1] is not Kind.long]))
    return sorted(runs, key=lambda r: r[0])


def _start_time(day: date, weekday: int, rng: random.Random, zone: ZoneInfo) -> datetime:
    """Early on weekdays, later at the weekend, never twice at the same minute."""
    hour = 9 if weekday >= 5 else rng.choice((6, 7, 18))
    local = datetime.combine(day, time(hour, rng.randrange(0, 50), rng.randrange(60)), zone)
    return local.astimezone(UTC)


def _segments(
    kind: Kind, fitness: float, easier: bool, rng: random.Random
) -> tuple[tuple[Segment, ...], str]:
    """The run's stretches and its title, from the runner's fitness that day."""
    easy_pace = 365 - 40 * fitness + rng.uniform(-8, 8)  # s/km: 6:05 -> 5:25
    volume = (0.75 if easier else 1.0) * (1 + 0.5 * fitness)
    if kind is Kind.intervals:
        reps = min(10, 4 + round(4 * fitness)) - (1 if easier else 0)
        rep_pace = 262 - 22 * fitness + rng.uniform(-4, 4)  # 4:22 -> 4:00 /km
        work = Segment(800, rep_pace, 172 + rng.uniform(-2, 3))
        jog = Segment(400, easy_pace + 60, 142)
        middle = [part for _ in range(reps) for part in (work, jog)][:-1]
        warm = Segment(2000, easy_pace + 10, 138)
        cool = Segment(1500, easy_pace + 20, 140)
        return (warm, *middle, cool), f"Intervals {reps} x 800 m"
    if kind is Kind.long:
        distance = 12_000 * volume + rng.uniform(-500, 1000)
        first = Segment(distance * 0.7, easy_pace + 15, 148)
        last = Segment(distance * 0.3, easy_pace + 5, 156)
        return (first, last), "Long run"
    if kind is Kind.recovery:
        distance = 5_000 + 1_500 * fitness + rng.uniform(-300, 300)
        return (Segment(distance, easy_pace + 35, 135),), "Recovery run"
    distance = 7_000 * volume + rng.uniform(-700, 700)
    return (Segment(distance, easy_pace, 145 + rng.uniform(-3, 3)),), "Easy run"


# ---------------------------------------------------------------- the tracks


def demo_files(plan: list[PlannedRun], *, seed: int = 7) -> Iterator[DemoFile]:
    """Each planned run as a GPX file, in the plan's order."""
    for index, run in enumerate(plan):
        # One generator per run, seeded from the run's place in the plan: a run's
        # file does not depend on how many random numbers the runs before it drew.
        rng = random.Random(seed * 1_000_003 + index)  # noqa: S311  # repeatable, not secret
        stamp = run.started_at.strftime("%Y-%m-%d-%H%M")
        yield DemoFile(f"{stamp}-{run.kind.name}.gpx", _gpx(run, rng).encode(), run)


@dataclass(frozen=True, slots=True)
class _Loop:
    """A closed route around the lake: its vertices (metres east, north) and their distances."""

    points: list[tuple[float, float]]
    along: list[float]

    @property
    def length(self) -> float:
        return self.along[-1]

    def at(self, distance: float) -> tuple[float, float]:
        """The point ``distance`` metres along the loop (lap after lap)."""
        d = distance % self.length
        low, high = 0, len(self.along) - 1
        while high - low > 1:  # the last vertex whose distance is <= d
            middle = (low + high) // 2
            low, high = (middle, high) if self.along[middle] <= d else (low, middle)
        (x0, y0), (x1, y1) = self.points[low], self.points[high]
        span = self.along[high] - self.along[low]
        f = (d - self.along[low]) / span if span else 0.0
        return x0 + f * (x1 - x0), y0 + f * (y1 - y0)


def _loop(radius: float, phase: float) -> _Loop:
    """A lumpy loop, as paths around a lake are, about ``2 pi radius`` long."""
    points = []
    for step in range(361):
        theta = 2 * math.pi * step / 360
        r = radius * (1 + 0.12 * math.sin(3 * theta + phase) + 0.06 * math.sin(5 * theta))
        points.append((r * math.cos(theta), 0.8 * r * math.sin(theta)))
    along = [0.0]
    for (x0, y0), (x1, y1) in itertools.pairwise(points):
        along.append(along[-1] + math.hypot(x1 - x0, y1 - y0))
    return _Loop(points, along)


def _terrain(x: float, y: float) -> float:
    """The park's height (m) at a spot: a gentle slope and a few mounds, always the same."""
    return 52 + 0.004 * y + 4 * math.sin(x / 310) * math.cos(y / 270) + 1.5 * math.sin((x + y) / 95)


def _gpx(run: PlannedRun, rng: random.Random) -> str:
    ET.register_namespace("gpxtpx", _TPX)
    gpx = gpxpy.gpx.GPX()
    gpx.creator = "Runnerly demo"
    gpx.nsmap["gpxtpx"] = _TPX
    track = gpxpy.gpx.GPXTrack(name=run.title)
    track.type = "running"  # type: ignore[assignment]  # gpxpy types it as None only
    gpx.tracks.append(track)
    segment = gpxpy.gpx.GPXTrackSegment()
    track.segments.append(segment)
    # Longer runs take wider loops, so a long run is not ten laps of the same path.
    loop = _loop(radius=rng.uniform(420, 520) + run.distance_m / 60, phase=rng.uniform(0, 6.3))
    lat0, lon0 = CENTRE
    metres_per_lon = _METRES_PER_DEGREE * math.cos(math.radians(lat0))
    elapsed = 0.0
    covered = 0.0
    heart = 95.0
    wander_x = wander_y = 0.0
    for part in run.segments:
        end = covered + part.distance_m
        while covered < end:
            x, y = loop.at(covered)
            # A GPS fix wanders slowly around the true spot, by a metre or two.
            wander_x = 0.8 * wander_x + rng.gauss(0, 0.6)
            wander_y = 0.8 * wander_y + rng.gauss(0, 0.6)
            point = gpxpy.gpx.GPXTrackPoint(
                latitude=round(lat0 + (y + wander_y) / _METRES_PER_DEGREE, 7),
                longitude=round(lon0 + (x + wander_x) / metres_per_lon, 7),
                elevation=round(_terrain(x, y) + rng.gauss(0, 0.3), 1),
                time=run.started_at + timedelta(seconds=elapsed),
            )
            # The heart follows the effort with a lag of about half a minute.
            heart += (part.heart_rate - heart) * (1 - math.exp(-SAMPLE_SECONDS / 30))
            cadence = 86 + (part.heart_rate - 140) / 8 + rng.uniform(-1.5, 1.5)
            point.extensions.append(_hr_extension(round(heart + rng.gauss(0, 1)), round(cadence)))
            segment.points.append(point)
            speed = 1000 / part.pace_s_per_km * (1 + rng.gauss(0, 0.03))
            covered += speed * SAMPLE_SECONDS
            elapsed += SAMPLE_SECONDS
    return gpx.to_xml(prettyprint=False)


def _hr_extension(heart_rate: int, cadence: int) -> ET.Element:
    extension = ET.Element(f"{{{_TPX}}}TrackPointExtension")
    ET.SubElement(extension, f"{{{_TPX}}}hr").text = str(heart_rate)
    ET.SubElement(extension, f"{{{_TPX}}}cad").text = str(cadence)
    return extension
