"""``/bff/v1/settings...`` and ``/bff/v1/account/deletion``: the settings screen."""

from __future__ import annotations

from fastapi import APIRouter, Response

from runnerly_dashboard.caching import NO_STORE
from runnerly_dashboard.dependencies import ContextDep
from runnerly_dashboard.profile import service
from runnerly_dashboard.profile.schemas import (
    AccountDeletion,
    EmailChange,
    EmailChangeAccepted,
    PasswordChange,
    SettingsScreen,
)
from runnerly_dashboard.sessions import service as sessions
from runnerly_dashboard.sessions.service import CallerDep, GuardedBrowserDep, GuardedCallerDep
from runnerly_dashboard.shapes import Profile, ProfileChange

router = APIRouter(prefix="/bff/v1", tags=["settings"])


@router.get("/settings", response_model=SettingsScreen, summary="The settings screen.")
async def get_settings(
    response: Response, context: ContextDep, caller: CallerDep
) -> SettingsScreen:
    response.headers["Cache-Control"] = NO_STORE
    return SettingsScreen(profile=await service.profile(context, caller))


@router.patch("/settings/profile", response_model=Profile, summary="Change the profile.")
async def update_profile(
    body: ProfileChange,
    response: Response,
    context: ContextDep,
    caller: GuardedCallerDep,
    browser: GuardedBrowserDep,
) -> Profile:
    response.headers["Cache-Control"] = NO_STORE
    return await service.change_profile(context, caller, browser, body)


@router.post(
    "/settings/email",
    status_code=202,
    response_model=EmailChangeAccepted,
    summary="Change the email: a confirmation link is mailed to the new address.",
)
async def change_email(
    body: EmailChange, context: ContextDep, caller: GuardedCallerDep
) -> EmailChangeAccepted:
    return await service.change_email(context, caller, body.email)


@router.post(
    "/settings/password",
    status_code=204,
    response_class=Response,
    summary="Change the password (the current one is checked); other devices are logged out.",
)
async def change_password(
    body: PasswordChange, context: ContextDep, caller: GuardedCallerDep
) -> Response:
    await service.change_password(context, caller, body)
    return Response(status_code=204)


@router.post(
    "/account/deletion",
    status_code=204,
    response_class=Response,
    summary="Delete the account (the password is checked again); every service forgets the "
    "runner and this session ends.",
)
async def delete_account(
    body: AccountDeletion,
    context: ContextDep,
    caller: GuardedCallerDep,
    browser: GuardedBrowserDep,
) -> Response:
    await service.delete_account(context, caller, browser, body.password)
    response = Response(status_code=204)
    sessions.clear_cookie(response, context)
    return response
