"""The runs service's settings (environment variables prefixed ``RUNS_``)."""

from __future__ import annotations

from typing import ClassVar

from pydantic import Field
from pydantic_settings import SettingsConfigDict

from runnerly_kit.settings import ServiceSettings
from runnerly_runs.manifest import RUNS_PORT

_MIB = 2**20


class RunsSettings(ServiceSettings):
    """Settings of the runs service."""

    model_config = SettingsConfigDict(env_prefix="RUNS_")
    service_name: ClassVar[str] = "runs"

    port: int = RUNS_PORT
    #: The largest upload accepted (one request, all its files): a marathon's FIT file is ~1 MiB.
    max_upload_bytes: int = Field(default=25 * _MIB, gt=0)
    #: The most activity files one upload (or one zip) may hold.
    max_files_per_upload: int = Field(default=50, gt=0)
    #: The most a zip may inflate to, whatever its headers claim.
    max_unpacked_bytes: int = Field(default=200 * _MIB, gt=0)
    #: Two recordings of one runner are the same run when they start this close...
    duplicate_start_seconds: float = Field(default=60.0, ge=0)
    #: ...and their distances differ by at most this fraction of the longer one.
    duplicate_distance_ratio: float = Field(default=0.02, ge=0, lt=1)
