"""Runs arriving from files and from Strava: read, check, and store each once.

Reading and computing (the CPU-heavy part) happens off the event loop and
before the write transaction begins, so a large file never holds the
database's write lock. An upload is all or nothing: one unreadable file
refuses the whole upload, and nothing is stored.
"""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from runnerly_kit.errors import InvalidInput
from runnerly_runs.dependencies import Context
from runnerly_runs.imports.schemas import (
    ImportedRun,
    ImportReport,
    StravaActivityIn,
    StravaUpsertResult,
)
from runnerly_runs.recording import Recording, from_file
from runnerly_runs.runs import service as runs
from runnerly_runs.settings import RunsSettings
from runnerly_runs.tracks import (
    ImportedFile,
    Lap,
    UnreadableFile,
    best_efforts,
    is_run,
    read_upload,
    series_from_streams,
    summarize,
)

STRAVA = "strava"


@dataclass(frozen=True, slots=True)
class UploadedFile:
    filename: str
    content: bytes


@dataclass(frozen=True, slots=True)
class ReadFile:
    imported: ImportedFile
    recording: Recording


def read_files(files: Sequence[UploadedFile], settings: RunsSettings) -> list[ReadFile]:
    """Every run of the upload, computed; :class:`UnreadableFile` for the first bad file."""
    read: list[ReadFile] = []
    for upload in files:
        for imported in read_upload(
            upload.filename,
            upload.content,
            max_files=settings.max_files_per_upload,
            max_unpacked_bytes=settings.max_unpacked_bytes,
        ):
            if not is_run(imported.track.sport):
                raise UnreadableFile(
                    imported.filename,
                    "not_a_run",
                    f"{imported.filename} is a {imported.track.sport} activity, not a run.",
                )
            read.append(ReadFile(imported, from_file(imported)))
        if len(read) > settings.max_files_per_upload:
            raise UnreadableFile(
                upload.filename,
                "too_many_files",
                f"An upload may hold at most {settings.max_files_per_upload} activity files.",
            )
    return read


async def import_files(
    context: Context, runner_id: str, files: Sequence[UploadedFile]
) -> ImportReport:
    """Read the upload (off the loop), then store each run once."""
    try:
        read = await asyncio.to_thread(read_files, files, context.settings)
    except UnreadableFile as problem:
        raise InvalidInput(
            problem.message,
            code="unreadable_file",
            details={"filename": problem.filename, "problem": problem.problem},
        ) from problem
    results = []
    for item in read:
        stored = await runs.store(context, runner_id, item.recording)
        results.append(
            ImportedRun(
                filename=item.imported.filename,
                format=item.imported.format,
                status=stored.outcome.value,
                run_id=stored.run_id,
            )
        )
    return ImportReport(runs=results)


# ---------------------------------------------------------------- Strava


def strava_recording(activity_id: int, activity: StravaActivityIn) -> Recording:
    """Strava's account of a run: its headline figures, our splits and efforts from its streams."""
    streams = activity.streams
    series = None
    if streams is not None and len(streams.time) > 1:
        columns = streams.model_dump(exclude_none=True)
        try:
            series = series_from_streams(columns)
        except ValueError as exc:
            raise InvalidInput(f"The streams are inconsistent: {exc}", code="bad_streams") from exc
    laps = [
        Lap(
            start_offset_s=lap.start_offset_s,
            elapsed_s=lap.elapsed_s,
            distance_m=lap.distance_m,
            average_heart_rate=round(lap.average_heart_rate) if lap.average_heart_rate else None,
            max_heart_rate=round(lap.max_heart_rate) if lap.max_heart_rate else None,
        )
        for lap in activity.laps
    ]
    summary = summarize(series, laps) if series is not None else None
    return Recording(
        source=STRAVA,
        source_id=str(activity_id),
        title=activity.title,
        description=activity.description,
        sport=activity.sport,
        started_at=activity.started_at,
        time_zone=activity.time_zone,
        distance_m=activity.distance_m,
        moving_time_s=activity.moving_time_s,
        elapsed_time_s=activity.elapsed_time_s,
        elevation_gain_m=activity.elevation_gain_m,
        average_heart_rate=activity.average_heart_rate,
        max_heart_rate=activity.max_heart_rate,
        # Strava counts one foot; Runnerly counts steps (both feet).
        average_cadence=activity.average_cadence * 2 if activity.average_cadence else None,
        polyline=activity.polyline or (summary.polyline if summary else ""),
        splits=summary.splits if summary else [],
        laps=laps,
        series=series,
        efforts=best_efforts(series) if series is not None else [],
    )


async def upsert_strava_activity(
    context: Context, runner_id: str, activity_id: int, activity: StravaActivityIn
) -> StravaUpsertResult:
    """Store or update the runner's Strava activity; idempotent on the Strava id."""
    if not is_run(activity.sport):
        raise InvalidInput(f"A {activity.sport} is not a run.", code="not_a_run")
    recording = strava_recording(activity_id, activity)
    stored = await runs.store_or_update(context, runner_id, recording)
    return StravaUpsertResult(run_id=stored.run_id, status=stored.outcome.value)


async def forget_strava_activity(context: Context, runner_id: str, activity_id: int) -> None:
    """Strava deleted the activity (or it is no longer a run): forget that recording."""
    await runs.forget_recording(context, runner_id, STRAVA, str(activity_id))


async def forget_strava(context: Context, runner_id: str) -> None:
    """The runner disconnected Strava: Strava's data goes; runs also from files stay."""
    await runs.forget_source(context, runner_id, STRAVA)
