"""``GET /v1/runners/{runner_id}/export``: the token dealer's part of "Download my data"."""

from __future__ import annotations

from fastapi import APIRouter

from runnerly_kit.columns import utcnow
from runnerly_kit.export import EXPORT_PATH, EXPORT_ROUTE, ExportedRunner, RunnerExport
from runnerly_kit.sessions import ReadSessionDep
from runnerly_tokendealer.export import service
from runnerly_tokendealer.export.schemas import TokenDealerExport

router = APIRouter(tags=["export"])


@router.get(EXPORT_PATH, **EXPORT_ROUTE, response_model=RunnerExport[TokenDealerExport])
async def export_runner_data(
    runner_id: ExportedRunner, session: ReadSessionDep
) -> RunnerExport[TokenDealerExport]:
    now = utcnow()
    data = await service.export(session, runner_id, now)
    return RunnerExport.of("tokendealer", runner_id, data, exported_at=now)
