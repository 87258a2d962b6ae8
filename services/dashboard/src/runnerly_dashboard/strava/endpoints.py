"""``/bff/v1/strava``: the link, connect, Strava's callback, sync now, disconnect."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query, Response
from fastapi.responses import RedirectResponse

from runnerly_dashboard.caching import NO_STORE
from runnerly_dashboard.dependencies import ContextDep
from runnerly_dashboard.sessions.service import (
    BrowserDep,
    CallerDep,
    GuardedBrowserDep,
    GuardedCallerDep,
)
from runnerly_dashboard.strava import service
from runnerly_dashboard.strava.schemas import AuthorizeUrl, StravaScreen, SyncQueued

router = APIRouter(prefix="/bff/v1/strava", tags=["strava"])

_Param = Annotated[str | None, Query(max_length=2000)]


@router.get("", response_model=StravaScreen, summary="The runner's link to Strava.")
async def get_strava(response: Response, context: ContextDep, caller: CallerDep) -> StravaScreen:
    response.headers["Cache-Control"] = NO_STORE
    return await service.screen(context, caller)


@router.post(
    "/connect",
    response_model=AuthorizeUrl,
    summary="Start linking Strava: the URL of Strava's consent page (its state is this browser's).",
)
async def connect_strava(
    context: ContextDep, caller: GuardedCallerDep, browser: GuardedBrowserDep
) -> AuthorizeUrl:
    return await service.connect(context, caller, browser)


@router.get(
    "/callback",
    status_code=303,
    response_class=RedirectResponse,
    responses={303: {"description": "To the app's Strava page, with the outcome in the query."}},
    summary="Where Strava sends the browser back; refused unless this session started it.",
)
async def strava_callback(
    context: ContextDep,
    browser: BrowserDep,
    state: _Param = None,
    code: _Param = None,
    scope: _Param = None,
    error: _Param = None,
) -> RedirectResponse:
    given = {"state": state, "code": code, "scope": scope, "error": error}
    params = {name: value for name, value in given.items() if value is not None}
    target = await service.finish(context, browser, params)
    return RedirectResponse(target, status_code=303, headers={"Cache-Control": NO_STORE})


@router.delete(
    "", status_code=204, response_class=Response, summary="Unlink Strava and forget its runs."
)
async def disconnect_strava(context: ContextDep, caller: GuardedCallerDep) -> Response:
    await service.disconnect(context, caller)
    return Response(status_code=204)


@router.post(
    "/sync",
    status_code=202,
    response_model=SyncQueued,
    summary="Queue a sync of the runner's recent Strava activities.",
)
async def sync_strava(context: ContextDep, caller: GuardedCallerDep) -> SyncQueued:
    await service.sync(context, caller)
    return SyncQueued()
