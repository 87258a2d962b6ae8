"""``/v1/password-resets`` (ask for a link, then set the new password) and a password change."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from runnerly_kit.auth import CurrentRunner, ensure_owner
from runnerly_kit.runtime import RuntimeDep
from runnerly_users.accounts.schemas import Accepted, EmailBody
from runnerly_users.dependencies import ContextDep, ReadContextDep
from runnerly_users.passwords import service
from runnerly_users.passwords.schemas import NewPassword, PasswordChange

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


@router.post(
    "/v1/runners/{runner_id}/password",
    status_code=204,
    response_class=Response,
    summary="Change one's password with the current one; every other session ends.",
    responses={
        409: {"description": "`password_changed`: changed meanwhile by another request."},
        422: {"description": "`wrong_password`, or the new password breaks a rule."},
    },
)
async def change_password(
    runner_id: uuid.UUID,
    body: PasswordChange,
    runner: CurrentRunner,
    context: ReadContextDep,
    runtime: RuntimeDep,
) -> None:
    ensure_owner(runner, runner_id, conceal=False)
    session_id = runner.claims.raw.get("sid")
    await service.change_password(
        context,
        runtime.db,
        runner.id,
        body.current_password,
        body.new_password,
        session_id if isinstance(session_id, str) else None,
    )
