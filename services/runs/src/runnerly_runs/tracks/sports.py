"""Which sports are runs, in the vocabularies of GPX, TCX, FIT and Strava."""

from __future__ import annotations

# Compared after lower-casing and removing spaces, hyphens and underscores, so
# "trail_running" (FIT), "TrailRun" (Strava) and "Trail Running" all match.
_RUNS = frozenset(
    {
        "run",
        "running",
        "trailrun",
        "trailrunning",
        "virtualrun",
        "virtualrunning",
        "treadmill",
        "treadmillrun",
        "treadmillrunning",
        "indoorrun",
        "indoorrunning",
        "streetrunning",
        "roadrunning",
        "trackrunning",
        "ultrarun",
        "ultrarunning",
    }
)
# Names that say nothing about the sport: the file is taken to be a run.
_UNKNOWN = frozenset({"", "generic", "other", "unknown", "activity", "all"})


def is_run(sport: str | None) -> bool:
    """Whether an activity of this sport is a run; an unknown sport (None) is assumed one."""
    if sport is None:
        return True
    key = "".join(char for char in sport.lower() if char.isalnum())
    return key in _RUNS or key in _UNKNOWN
