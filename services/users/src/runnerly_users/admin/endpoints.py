"""``/v1/admin/runners``: for holders of the ``admin`` scope only."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Depends, Query

from runnerly_kit.auth import Claims, require_scope
from runnerly_users.accounts.service import ADMIN_SCOPE
from runnerly_users.admin import service
from runnerly_users.admin.schemas import RunnerPage, RunnerSummary
from runnerly_users.dependencies import ContextDep, ReadContextDep

router = APIRouter(prefix="/v1/admin", tags=["admin"])

Admin = Annotated[Claims, Depends(require_scope(ADMIN_SCOPE))]


@router.get("/runners", response_model=RunnerPage, summary="Accounts, a page at a time.")
async def list_runners(
    _admin: Admin,
    context: ReadContextDep,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: uuid.UUID | None = None,
) -> RunnerPage:
    return await service.list_runners(context, None if cursor is None else str(cursor), limit)


@router.post(
    "/runners/{runner_id}/deactivate",
    response_model=RunnerSummary,
    summary="Deactivate an account: it can no longer log in.",
)
async def deactivate_runner(
    runner_id: uuid.UUID,
    _admin: Admin,
    context: ContextDep,
) -> RunnerSummary:
    return await service.deactivate(context, str(runner_id))
