"""``/bff/v1/session``: the browser's session, logging in and out."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from runnerly_dashboard.dependencies import ContextDep
from runnerly_dashboard.peers import Caller
from runnerly_dashboard.sessions import service
from runnerly_dashboard.sessions.schemas import Credentials, LoggedIn, SessionState
from runnerly_dashboard.sessions.service import BrowserDep, GuardedBrowserDep
from runnerly_dashboard.shapes import Profile
from runnerly_kit.errors import RunnerlyError, Unauthenticated

router = APIRouter(prefix="/bff/v1", tags=["session"])
NO_STORE = {"Cache-Control": "no-store"}


async def _profile(context: ContextDep, caller: Caller) -> Profile:
    body = await context.parts.users.json("GET", "/v1/runners/me", caller=caller)
    return Profile.model_validate(body)


@router.get(
    "/session",
    response_model=SessionState,
    summary="The browser's session and its CSRF token (a new anonymous one when there is none).",
)
async def get_session(
    request: Request, response: Response, context: ContextDep, browser: BrowserDep
) -> SessionState:
    response.headers.update(NO_STORE)
    if browser is not None and browser.runner_id is None:
        return SessionState(csrf_token=browser.csrf_token, runner=None)
    if browser is not None:
        try:
            profile = await _profile(context, await service.caller(context, browser))
        except Unauthenticated:
            # The login session ended (refused refresh, revoked token): the app starts over
            # with an anonymous session rather than failing its first call.
            await service.end(context, browser)
        else:
            await service.remember_time_zone(context, browser, profile.time_zone)
            return SessionState(csrf_token=browser.csrf_token, runner=profile)
    opened = await service.start(context)
    service.set_cookie(response, context, opened.key)
    return SessionState(csrf_token=opened.browser.csrf_token, runner=None)


@router.post(
    "/session",
    response_model=LoggedIn,
    summary="Log in: the session becomes the runner's, under a new cookie and CSRF token.",
    responses={
        401: {"description": "Wrong email or password (``invalid_credentials``)."},
        403: {"description": "CSRF refused, or the account is not active yet."},
        429: {"description": "Too many failed logins; see Retry-After."},
    },
)
async def log_in(
    body: Credentials,
    request: Request,
    response: Response,
    context: ContextDep,
    browser: GuardedBrowserDep,
) -> LoggedIn:
    response.headers.update(NO_STORE)
    caller, tokens = await service.authenticate(
        context, body.email, body.password, address=service.client_address(request)
    )
    try:
        profile = await _profile(context, caller)
    except RunnerlyError:
        await service.abandon(context, tokens)
        raise
    opened = await service.log_in(context, browser, caller, tokens, time_zone=profile.time_zone)
    service.set_cookie(response, context, opened.key)
    return LoggedIn(csrf_token=opened.browser.csrf_token, runner=profile)


@router.delete(
    "/session",
    status_code=204,
    response_class=Response,
    summary="Log out: the login session is revoked at the token dealer and forgotten here.",
)
async def log_out(context: ContextDep, browser: GuardedBrowserDep) -> Response:
    await service.log_out(context, browser)
    response = Response(status_code=204, headers=NO_STORE)
    service.clear_cookie(response, context)
    return response
