"""``/v1/password-resets``: ask for a reset link, then set the new password."""

from __future__ import annotations

from fastapi import APIRouter, Response

from runnerly_users.accounts.schemas import Accepted, EmailBody
from runnerly_users.dependencies import ContextDep
from runnerly_users.passwords import service
from runnerly_users.passwords.schemas import NewPassword

router = APIRouter(tags=["passwords"])


@router.post(
    "/v1/password-resets",
    status_code=202,
    response_model=Accepted,
    summary="Mail a password-reset link (same answer whatever the email).",
)
async def request_password_reset(body: EmailBody, context: ContextDep) -> Accepted:
    await service.request_reset(context, body.email)
    return Accepted()


@router.post(
    "/v1/password-resets/confirm",
    status_code=204,
    response_class=Response,
    summary="Set a new password with the token of a reset link; every session ends.",
)
async def confirm_password_reset(body: NewPassword, context: ContextDep) -> None:
    await service.reset_password(context, body.token, body.password)
