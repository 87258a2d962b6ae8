"""``GET /bff/v1/home``: the home screen in one call."""

from __future__ import annotations

from fastapi import APIRouter, Response

from runnerly_dashboard.dependencies import ContextDep
from runnerly_dashboard.home import service
from runnerly_dashboard.home.schemas import HomeScreen
from runnerly_dashboard.sessions import service as sessions
from runnerly_dashboard.sessions.service import BrowserDep, CallerDep

router = APIRouter(prefix="/bff/v1", tags=["home"])


@router.get(
    "/home",
    response_model=HomeScreen,
    summary="The home screen: the runner, last runs, totals, weekly distance, best efforts.",
)
async def get_home(
    response: Response, context: ContextDep, caller: CallerDep, browser: BrowserDep
) -> HomeScreen:
    response.headers["Cache-Control"] = "no-store"
    time_zone = browser.time_zone if browser is not None else None
    screen = await service.home(context, caller, time_zone)
    if browser is not None and screen.runner.time_zone != time_zone:
        # Changed elsewhere: the next load's statistics follow it.
        await sessions.remember_time_zone(context, browser, screen.runner.time_zone)
    return screen
