"""The runs service's app: ``uvicorn --factory runnerly_runs.main:create_app``."""

from __future__ import annotations

from fastapi import FastAPI

from runnerly_kit.app import ServiceDefinition
from runnerly_kit.app import create_app as create_service_app
from runnerly_runs import __version__
from runnerly_runs.export.endpoints import router as export_router
from runnerly_runs.imports.endpoints import router as imports_router
from runnerly_runs.overview.endpoints import router as overview_router
from runnerly_runs.purge import purge_handlers
from runnerly_runs.runs.endpoints import last_runs_router
from runnerly_runs.runs.endpoints import router as runs_router
from runnerly_runs.settings import RunsSettings
from runnerly_runs.stats.endpoints import router as stats_router


def create_app(settings: RunsSettings | None = None) -> FastAPI:
    """Build the runs service (settings from the environment unless given)."""
    return create_service_app(
        settings or RunsSettings(),
        ServiceDefinition(
            title="Runnerly runs",
            version=__version__,
            description=(
                "A runner's runs: by hand, from GPX/TCX/FIT files and from Strava, "
                "stored once; splits, statistics and best efforts."
            ),
            # Static paths (/v1/runs/last, /overview, /stats, /imports...) before /v1/runs/{run_id}.
            routers=[
                last_runs_router,
                overview_router,
                stats_router,
                imports_router,
                runs_router,
                export_router,
            ],
            consumers=[purge_handlers],
        ),
    )
