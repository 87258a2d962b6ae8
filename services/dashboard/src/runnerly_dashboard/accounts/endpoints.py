"""``/bff/v1/accounts``, activations, password resets, email confirmation (no login needed).

Each changes something, so each needs the session's CSRF token like every
state-changing call, though no runner is logged in.
"""

from __future__ import annotations

from fastapi import APIRouter, Response

from runnerly_dashboard.accounts import service
from runnerly_dashboard.accounts.schemas import (
    Accepted,
    EmailBody,
    NewPassword,
    SignUp,
    TokenBody,
)
from runnerly_dashboard.dependencies import ContextDep
from runnerly_dashboard.sessions.service import GuardedBrowserDep

router = APIRouter(prefix="/bff/v1", tags=["accounts"])


@router.post(
    "/accounts",
    status_code=202,
    response_model=Accepted,
    summary="Sign up; the activation link is mailed.",
)
async def sign_up(body: SignUp, context: ContextDep, _browser: GuardedBrowserDep) -> Accepted:
    return await service.accepted(context, "/v1/accounts", body.model_dump())


@router.post(
    "/activations",
    status_code=204,
    response_class=Response,
    summary="Activate an account with the token of its link.",
)
async def activate_account(
    body: TokenBody, context: ContextDep, _browser: GuardedBrowserDep
) -> Response:
    await service.done(context, "/v1/activations", body.model_dump())
    return Response(status_code=204)


@router.post(
    "/activations/resend",
    status_code=202,
    response_model=Accepted,
    summary="Mail a new activation link.",
)
async def resend_activation(
    body: EmailBody, context: ContextDep, _browser: GuardedBrowserDep
) -> Accepted:
    return await service.accepted(context, "/v1/activations/resend", body.model_dump())


@router.post(
    "/password-resets",
    status_code=202,
    response_model=Accepted,
    summary="Mail a password-reset link.",
)
async def request_password_reset(
    body: EmailBody, context: ContextDep, _browser: GuardedBrowserDep
) -> Accepted:
    return await service.accepted(context, "/v1/password-resets", body.model_dump())


@router.post(
    "/password-resets/confirm",
    status_code=204,
    response_class=Response,
    summary="Set a new password with the token of a reset link.",
)
async def confirm_password_reset(
    body: NewPassword, context: ContextDep, _browser: GuardedBrowserDep
) -> Response:
    await service.done(context, "/v1/password-resets/confirm", body.model_dump())
    return Response(status_code=204)


@router.post(
    "/email-changes/confirm",
    status_code=204,
    response_class=Response,
    summary="Confirm a new email address with the token of its link.",
)
async def confirm_email_change(
    body: TokenBody, context: ContextDep, _browser: GuardedBrowserDep
) -> Response:
    await service.done(context, "/v1/email-changes/confirm", body.model_dump())
    return Response(status_code=204)
