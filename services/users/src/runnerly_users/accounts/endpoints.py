"""Sign-up, activation and the internal credentials check: parse, call the service, serialise."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from runnerly_kit.auth import Claims, require_scope
from runnerly_kit.runtime import RuntimeDep
from runnerly_users.accounts import service
from runnerly_users.accounts.schemas import (
    Accepted,
    CheckedCredentials,
    CredentialsCheck,
    EmailBody,
    SignUp,
    TokenBody,
)
from runnerly_users.dependencies import ContextDep, ReadContextDep

CREDENTIALS_SCOPE = "users:credentials.check"

router = APIRouter(tags=["accounts"])


@router.post(
    "/v1/accounts",
    status_code=202,
    response_model=Accepted,
    summary="Sign up; the activation link is mailed (same answer for a known email).",
)
async def sign_up(body: SignUp, context: ContextDep) -> Accepted:
    await service.sign_up(context, body.email, body.password, body.name)
    return Accepted()


@router.post(
    "/v1/activations",
    status_code=204,
    response_class=Response,
    summary="Activate an account with the token of its activation link.",
)
async def activate_account(body: TokenBody, context: ContextDep) -> None:
    await service.activate(context, body.token)


@router.post(
    "/v1/activations/resend",
    status_code=202,
    response_model=Accepted,
    summary="Mail a new activation link (same answer whatever the email).",
)
async def resend_activation(body: EmailBody, context: ContextDep) -> Accepted:
    await service.resend_activation(context, body.email)
    return Accepted()


@router.post(
    "/v1/internal/credentials/check",
    response_model=CheckedCredentials,
    summary="Check a login (the token dealer's password grant): a verdict, 200 either way.",
    responses={403: {"description": "The account is not active, or the caller lacks the scope."}},
)
async def check_credentials(
    body: CredentialsCheck,
    _caller: Annotated[Claims, Depends(require_scope(CREDENTIALS_SCOPE))],
    context: ReadContextDep,
    runtime: RuntimeDep,
) -> CheckedCredentials:
    login = await service.check_credentials(context, body.email, body.password)
    if login is None:
        return CheckedCredentials(verdict="wrong_credentials")
    await service.store_new_hash(runtime.db, login)
    return CheckedCredentials(verdict="accepted", user_id=login.user_id, scopes=login.scopes)
