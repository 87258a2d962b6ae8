"""Events published by the ``runs`` service.

A run's headline figures travel with its creation, so that a subscriber
(plans ticking off a session, recommendations, reports) needs no call back
for the common case; the time series never travels on the broker.
"""

from __future__ import annotations

from datetime import datetime
from typing import ClassVar

from runnerly_kit.events import EventData, EventType


class RunCreated(EventData):
    """A run was stored (by hand, from a file or from Strava). Published once per run."""

    event_type: ClassVar[EventType] = EventType("runs.run.created.v1")

    run_id: str
    runner_id: str
    #: Where it came from first: ``manual``, ``gpx``, ``tcx``, ``fit`` or ``strava``.
    source: str
    started_at: datetime
    distance_m: float
    moving_time_s: float
    elapsed_time_s: float
    elevation_gain_m: float | None = None


class RunUpdated(EventData):
    """A run changed: its title or description, or a second source was attached to it."""

    event_type: ClassVar[EventType] = EventType("runs.run.updated.v1")

    run_id: str
    runner_id: str
    #: What changed, by API field name (``title``, ``description``, ``sources``...).
    fields: list[str]


class RunDeleted(EventData):
    """A run was deleted by its runner (or by Strava, for a Strava-only run)."""

    event_type: ClassVar[EventType] = EventType("runs.run.deleted.v1")

    run_id: str
    runner_id: str
