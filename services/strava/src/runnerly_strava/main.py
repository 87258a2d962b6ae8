"""The strava service's app: ``uvicorn --factory runnerly_strava.main:create_app``."""

from __future__ import annotations

from fastapi import FastAPI

from runnerly_kit.app import ServiceDefinition
from runnerly_kit.app import create_app as create_service_app
from runnerly_strava import __version__
from runnerly_strava.admin.endpoints import router as admin_router
from runnerly_strava.consumers import purge_handlers
from runnerly_strava.dependencies import open_components
from runnerly_strava.export.endpoints import router as export_router
from runnerly_strava.links.endpoints import router as links_router
from runnerly_strava.manifest import MANIFEST
from runnerly_strava.settings import StravaSettings
from runnerly_strava.sync.worker import run_sync_worker
from runnerly_strava.webhook.endpoints import router as webhook_router


def create_app(settings: StravaSettings | None = None) -> FastAPI:
    """Build the strava service (settings from the environment unless given)."""
    return create_service_app(
        settings or StravaSettings(),
        ServiceDefinition(
            title="Runnerly strava",
            version=__version__,
            description=(
                "Links runners to Strava (OAuth), receives Strava's push events, and syncs "
                "running activities into the runs service (backfill, webhook, periodic)."
            ),
            routers=[links_router, webhook_router, admin_router, export_router],
            consumers=[purge_handlers],
            on_startup=[open_components],
            workers=[run_sync_worker],
            client_scopes=MANIFEST.client_scopes,
        ),
    )
