"""``/v1/strava/...``: connect, the OAuth callback, the runner's link, sync now, disconnect."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import urlencode

from fastapi import APIRouter, Query, Response
from fastapi.responses import RedirectResponse

from runnerly_kit.auth import CurrentRunner
from runnerly_kit.runtime import RuntimeDep
from runnerly_kit.sessions import ReadSessionDep, SessionDep
from runnerly_strava.dependencies import components_of, settings_of
from runnerly_strava.links import service
from runnerly_strava.links.schemas import AuthorizationUrl, Connection, SyncQueued

router = APIRouter(prefix="/v1/strava", tags=["strava"])

_Param = Annotated[str | None, Query(max_length=2000)]


@router.post(
    "/connect",
    response_model=AuthorizationUrl,
    summary="Start linking the caller to Strava: the URL to send their browser to.",
)
async def connect_strava(
    runner: CurrentRunner, session: SessionDep, runtime: RuntimeDep
) -> AuthorizationUrl:
    url = await service.start_connect(session, settings_of(runtime), runner.id)
    return AuthorizationUrl(authorization_url=url)


@router.get(
    "/callback",
    status_code=303,
    response_class=RedirectResponse,
    responses={303: {"description": "To the dashboard, with the outcome in the query."}},
    summary="Where Strava sends the browser back; the state authenticates the call.",
)
async def strava_callback(
    runtime: RuntimeDep,
    state: _Param = None,
    code: _Param = None,
    scope: _Param = None,
    error: _Param = None,
) -> RedirectResponse:
    settings = settings_of(runtime)
    outcome = await service.finish_connect(
        runtime.db,
        settings,
        components_of(runtime),
        state=state,
        code=code,
        scope=scope,
        error=error,
    )
    query = (
        {"status": "connected"}
        if outcome.connected
        else {"status": "error", "reason": outcome.reason}
    )
    target = f"{settings.dashboard_url.rstrip('/')}/strava?{urlencode(query)}"
    return RedirectResponse(target, status_code=303)


@router.get("/connection", response_model=Connection, summary="The caller's link to Strava.")
async def get_connection(
    runner: CurrentRunner, session: ReadSessionDep, runtime: RuntimeDep
) -> Connection:
    return await service.connection(session, settings_of(runtime), runner.id)


@router.delete(
    "/connection",
    status_code=204,
    response_class=Response,
    summary="Unlink Strava: revoke at Strava, forget the tokens and the Strava runs.",
)
async def disconnect_strava(runner: CurrentRunner, session: SessionDep) -> None:
    await service.disconnect(session, runner.id)


@router.post(
    "/sync",
    status_code=202,
    response_model=SyncQueued,
    summary="Queue a sync of the caller's recent Strava activities.",
)
async def sync_strava(
    runner: CurrentRunner, session: SessionDep, runtime: RuntimeDep
) -> SyncQueued:
    await service.sync_now(session, settings_of(runtime), runner.id)
    return SyncQueued()
