"""The kit's export convention, as the dashboard reads each service's part.

Every service serves ``GET /v1/runners/{runner_id}/export`` (the runner's own
bearer token) with this body; each file's ``href`` is a path on the same
service returning the file's bytes.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ExportedFile(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1, max_length=500)
    media_type: str = "application/octet-stream"
    href: str = Field(min_length=1, max_length=2000)


class ServiceExport(BaseModel):
    """One service's part of a runner's data."""

    model_config = ConfigDict(extra="ignore")

    service: str
    runner_id: str
    exported_at: datetime
    data: dict[str, Any]
    files: list[ExportedFile] = Field(default_factory=list)
