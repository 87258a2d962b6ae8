"""``GET /v1/runners/{runner_id}/export``: the users service's part of "Download my data"."""

from __future__ import annotations

from fastapi import APIRouter

from runnerly_kit.export import EXPORT_PATH, EXPORT_ROUTE, ExportedRunner, RunnerExport
from runnerly_users.dependencies import ReadContextDep
from runnerly_users.export import service
from runnerly_users.export.schemas import UsersExport

router = APIRouter(tags=["export"])


@router.get(EXPORT_PATH, **EXPORT_ROUTE, response_model=RunnerExport[UsersExport])
async def export_runner_data(
    runner_id: ExportedRunner, context: ReadContextDep
) -> RunnerExport[UsersExport]:
    data = await service.export(context, runner_id)
    return RunnerExport.of("users", runner_id, data, exported_at=context.now)
