"""``/v1/runners/{runner_id}`` (and ``/v1/runners/me``): a runner's own profile and account."""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Response

from runnerly_kit.auth import CurrentRunner, ensure_owner
from runnerly_kit.runtime import RuntimeDep
from runnerly_users.accounts.schemas import Accepted, EmailBody, TokenBody
from runnerly_users.dependencies import ContextDep, ReadContextDep
from runnerly_users.profiles import service
from runnerly_users.profiles.schemas import AccountDeletion, Profile, ProfileChange

router = APIRouter(tags=["profiles"])


def _own(runner: CurrentRunner, runner_id: uuid.UUID) -> str:
    # 403, not 404: the id is in the runner's own URL, there is nothing to conceal.
    ensure_owner(runner, runner_id, conceal=False)
    return str(runner_id)


# The /me routes come first, so that "me" is never read as an id.
@router.get("/v1/runners/me", response_model=Profile, summary="The calling runner's profile.")
async def get_my_profile(runner: CurrentRunner, context: ReadContextDep) -> Profile:
    return service.as_profile(await service.get_account(context, runner.id))


@router.patch("/v1/runners/me", response_model=Profile, summary="Change the caller's profile.")
async def update_my_profile(
    body: ProfileChange,
    runner: CurrentRunner,
    context: ContextDep,
) -> Profile:
    return await service.update_profile(context, runner.id, body)


@router.get("/v1/runners/{runner_id}", response_model=Profile, summary="A runner's own profile.")
async def get_profile(
    runner_id: uuid.UUID,
    runner: CurrentRunner,
    context: ReadContextDep,
) -> Profile:
    return service.as_profile(await service.get_account(context, _own(runner, runner_id)))


@router.patch(
    "/v1/runners/{runner_id}", response_model=Profile, summary="Change one's own profile."
)
async def update_profile(
    runner_id: uuid.UUID,
    body: ProfileChange,
    runner: CurrentRunner,
    context: ContextDep,
) -> Profile:
    return await service.update_profile(context, _own(runner, runner_id), body)


@router.delete(
    "/v1/runners/{runner_id}",
    status_code=204,
    response_class=Response,
    summary="Delete one's own account; every service forgets the runner.",
)
async def delete_account(
    runner_id: uuid.UUID,
    runner: CurrentRunner,
    context: ContextDep,
) -> None:
    await service.delete_account(context, _own(runner, runner_id))


@router.post(
    "/v1/runners/{runner_id}/deletion",
    status_code=204,
    response_class=Response,
    summary="Delete one's own account, confirmed with the password; every service forgets them.",
    responses={
        409: {"description": "`password_changed` meanwhile: nothing was deleted."},
        422: {"description": "`wrong_password`: nothing was deleted."},
    },
)
async def delete_account_with_password(
    runner_id: uuid.UUID,
    body: AccountDeletion,
    runner: CurrentRunner,
    context: ReadContextDep,
    runtime: RuntimeDep,
) -> None:
    await service.delete_account_with_password(
        context, runtime.db, _own(runner, runner_id), body.password
    )


@router.post(
    "/v1/runners/{runner_id}/email",
    status_code=202,
    response_model=Accepted,
    summary="Change one's email: a confirmation link is mailed to the new address.",
)
async def request_email_change(
    runner_id: uuid.UUID,
    body: EmailBody,
    runner: CurrentRunner,
    context: ContextDep,
) -> Accepted:
    await service.request_email_change(context, _own(runner, runner_id), body.email)
    return Accepted()


@router.post(
    "/v1/email-changes/confirm",
    status_code=204,
    response_class=Response,
    summary="Confirm a new email address with the token of its link.",
)
async def confirm_email_change(body: TokenBody, context: ContextDep) -> None:
    await service.confirm_email_change(context, body.token)
