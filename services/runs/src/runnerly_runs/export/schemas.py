"""What the runs service's part of a data export holds."""

from __future__ import annotations

from pydantic import BaseModel

from runnerly_runs.runs.schemas import RunDetail, SeriesOut

#: Said in every export: which files runs keeps, and which it regenerates.
FILES_NOTE = (
    "Runs keeps no original file: of each imported file only its SHA-256 (the source_id of "
    "its source) and its name. Each run with a recorded route is exported as a GPX file "
    "regenerated from the stored recording; a run without positions has its recording in "
    "`series` only."
)


class ExportedRun(RunDetail):
    """One run with everything known of it: splits, laps, best efforts, sources, its series."""

    #: The full recording (null for a run typed in by hand or known only by its summary).
    series: SeriesOut | None


class RunsExport(BaseModel):
    """Every run the runs service keeps for a runner, oldest first."""

    runs: list[ExportedRun]
    files: str = FILES_NOTE
