"""The JSON of the import endpoint."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel

ImportStatus = Literal["created", "merged", "already_imported", "refused"]


class ImportResult(BaseModel):
    """What became of one file (one result per run for a zip holding several)."""

    filename: str
    #: ``created``: a new run; ``merged``: the same run was there already (from Strava or
    #: another file) and now has this source too; ``already_imported``: this very file was;
    #: ``refused``: nothing was stored from it, ``reason`` says why.
    status: ImportStatus
    run_id: str | None = None
    reason: str | None = None


class ImportResults(BaseModel):
    """A result per uploaded file, in the order they were sent."""

    results: list[ImportResult]
