"""The dashboard's app: ``uvicorn --factory runnerly_dashboard.main:create_app``."""

from __future__ import annotations

import asyncio

from fastapi import FastAPI

from runnerly_dashboard import __version__
from runnerly_dashboard.accounts.endpoints import router as accounts_router
from runnerly_dashboard.dependencies import (
    Clock,
    Context,
    components_hook,
    components_of,
    settings_of,
)
from runnerly_dashboard.export.endpoints import router as export_router
from runnerly_dashboard.home.endpoints import router as home_router
from runnerly_dashboard.imports.endpoints import router as imports_router
from runnerly_dashboard.profile.endpoints import router as profile_router
from runnerly_dashboard.purge import purge_handlers
from runnerly_dashboard.runs.endpoints import router as runs_router
from runnerly_dashboard.sessions import service as sessions
from runnerly_dashboard.sessions.endpoints import router as sessions_router
from runnerly_dashboard.settings import DashboardSettings
from runnerly_dashboard.strava.endpoints import router as strava_router
from runnerly_dashboard.web.endpoints import router as web_router
from runnerly_dashboard.web.headers import Compression, SecurityHeaders
from runnerly_kit.app import ServiceDefinition
from runnerly_kit.app import create_app as create_service_app
from runnerly_kit.columns import utcnow
from runnerly_kit.logs import get_logger
from runnerly_kit.runtime import Runtime

_log = get_logger("runnerly.dashboard")


async def purge_expired_sessions(runtime: Runtime) -> None:
    """Worker: delete the sessions past their lifetimes, every ``session_purge_seconds``."""
    settings = settings_of(runtime)
    while True:
        parts = components_of(runtime)
        ended = await sessions.purge_expired(Context(runtime.db, settings, parts, parts.clock()))
        if ended:
            _log.info("expired_sessions_purged", sessions=ended)
        await asyncio.sleep(settings.session_purge_seconds)


def create_app(settings: DashboardSettings | None = None, *, clock: Clock = utcnow) -> FastAPI:
    """Build the dashboard (settings from the environment unless given).

    ``clock`` is the sessions' clock (their lifetimes, the tokens' expiry):
    tests pass one they move by hand.
    """
    settings = settings or DashboardSettings()
    app = create_service_app(
        settings,
        ServiceDefinition(
            title="Runnerly dashboard",
            version=__version__,
            description=(
                "The web app's backend-for-frontend: browser sessions (cookie and CSRF), and "
                "one call per screen gathered from the services that own the data."
            ),
            routers=[
                sessions_router,
                accounts_router,
                home_router,
                runs_router,
                imports_router,
                strava_router,
                profile_router,
                export_router,
            ],
            consumers=[purge_handlers],
            on_startup=[components_hook(clock)],
            workers=[purge_expired_sessions],
        ),
    )
    # After the kit's routes (the probes, /metrics): the app's files take only what is left.
    app.include_router(web_router)
    app.add_middleware(Compression)
    app.add_middleware(SecurityHeaders, hsts=not settings.development)
    return app
