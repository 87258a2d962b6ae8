"""The runs service's part of a runner's data export: every run, and its GPX track.

Runs are read through the runs feature's door; the GPX files are regenerated
from the stored series (:mod:`.gpx`), since runs keeps no original file.
"""

from __future__ import annotations

from dataclasses import asdict

from runnerly_kit.errors import NotFound
from runnerly_kit.export import ExportFile
from runnerly_runs.dependencies import Context
from runnerly_runs.export import gpx
from runnerly_runs.export.schemas import ExportedRun, RunsExport
from runnerly_runs.models import Run
from runnerly_runs.runs import service as runs
from runnerly_runs.runs.schemas import SeriesOut


def track_href(runner_id: str, run_id: str) -> str:
    """Where the GPX file of a run is served."""
    return f"/v1/runners/{runner_id}/export/runs/{run_id}/gpx"


def _file_name(run: Run) -> str:
    return f"{run.started_at:%Y-%m-%d}-{run.id}.gpx"


async def export(context: Context, runner_id: str) -> tuple[RunsExport, list[ExportFile]]:
    """Every run of the runner with its series, and a GPX file for each one with a route."""
    exported: list[ExportedRun] = []
    files: list[ExportFile] = []
    for run in await runs.all_runs(context, runner_id):
        detail = await runs.detail(context, run)
        series = await runs.series_or_none(context, run) if run.has_series else None
        exported.append(
            ExportedRun(
                **detail.model_dump(),
                series=None if series is None else SeriesOut(**asdict(series)),
            )
        )
        if series is not None and gpx.has_positions(series):
            files.append(
                ExportFile(
                    name=_file_name(run),
                    media_type=gpx.MEDIA_TYPE,
                    href=track_href(runner_id, run.id),
                )
            )
    return RunsExport(runs=exported), files


async def track(context: Context, runner_id: str, run_id: str) -> tuple[str, bytes]:
    """The file name and GPX bytes of one of the runner's runs; 404 without a route."""
    run = await runs.run_of_runner(context, runner_id, run_id)
    series = await runs.series_or_none(context, run)
    if series is None or not gpx.has_positions(series):
        raise NotFound("This run has no recorded route.", code="no_track")
    return _file_name(run), gpx.gpx_of(run.title, run.sport, run.started_at, series)
