"""De-duplication: when a recording is a run the runner already has.

Two cases. The same recording again (the same file, the same Strava
activity) is recognised by its source id, which is unique per runner.
Another source's copy of the same run (a watch's file and Strava's copy of
it) is its *twin*: it started within ``duplicate_start_seconds`` of the run,
and the two distances differ by at most ``duplicate_distance_ratio`` of the
longer one. A twin is merged into the run, which then keeps both sources.

Pure: the service reads the candidates (the runner's runs started within
:func:`start_window` of the recording) and asks :func:`twin_of`.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import timedelta

from runnerly_runs.models import Run
from runnerly_runs.recording import Recording
from runnerly_runs.settings import RunsSettings


def start_window(settings: RunsSettings) -> timedelta:
    """How far apart two copies of one run may start."""
    return timedelta(seconds=settings.duplicate_start_seconds)


def same_distance(first_m: float, second_m: float, ratio: float) -> bool:
    """The distances agree within ``ratio`` of the longer one."""
    return abs(first_m - second_m) <= ratio * max(first_m, second_m)


def twin_of(recording: Recording, candidates: Iterable[Run], settings: RunsSettings) -> Run | None:
    """The first candidate (closest start first) whose distance agrees with the recording."""
    for run in candidates:
        if same_distance(run.distance_m, recording.distance_m, settings.duplicate_distance_ratio):
            return run
    return None
