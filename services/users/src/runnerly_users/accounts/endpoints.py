"""Sign-up, activation and the internal credentials check: parse, call the service, serialise."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Response

from runnerly_kit.auth import Claims, require_scope
from runnerly_kit.columns import utcnow
from runnerly_kit.runtime import RuntimeDep
from runnerly_kit.sessions import ReadSessionDep, SessionDep
from runnerly_users.accounts import service
from runnerly_users.accounts.schemas import (
    Accepted,
    CheckedCredentials,
    CredentialsCheck,
    EmailBody,
    SignUp,
    TokenBody,
)
from runnerly_users.dependencies import PasswordsDep, SettingsDep

CREDENTIALS_SCOPE = "users:credentials.check"

router = APIRouter(tags=["accounts"])


@router.post(
    "/v1/accounts",
    status_code=202,
    response_model=Accepted,
    summary="Sign up; the activation link is mailed (same answer for a known email).",
)
async def sign_up(
    body: SignUp, session: SessionDep, settings: SettingsDep, passwords: PasswordsDep
) -> Accepted:
    context = service.Context(session, settings, passwords, utcnow())
    await service.sign_up(context, body.email, body.password, body.name)
    return Accepted()


@router.post(
    "/v1/activations",
    status_code=204,
    response_class=Response,
    summary="Activate an account with the token of its activation link.",
)
async def activate_account(
    body: TokenBody, session: SessionDep, settings: SettingsDep, passwords: PasswordsDep
) -> None:
    await service.activate(service.Context(session, settings, passwords, utcnow()), body.token)


@router.post(
    "/v1/activations/resend",
    status_code=202,
    response_model=Accepted,
    summary="Mail a new activation link (same answer whatever the email).",
)
async def resend_activation(
    body: EmailBody, session: SessionDep, settings: SettingsDep, passwords: PasswordsDep
) -> Accepted:
    context = service.Context(session, settings, passwords, utcnow())
    await service.resend_activation(context, body.email)
    return Accepted()


@router.post(
    "/v1/internal/credentials/check",
    response_model=CheckedCredentials,
    summary="Check a login (the token dealer's password grant).",
)
async def check_credentials(
    body: CredentialsCheck,
    _caller: Annotated[Claims, Depends(require_scope(CREDENTIALS_SCOPE))],
    session: ReadSessionDep,
    runtime: RuntimeDep,
    settings: SettingsDep,
    passwords: PasswordsDep,
) -> CheckedCredentials:
    context = service.Context(session, settings, passwords, utcnow())
    login = await service.check_credentials(context, body.email, body.password)
    await service.store_new_hash(runtime.db, login)
    return CheckedCredentials(user_id=login.user_id, scopes=login.scopes)
