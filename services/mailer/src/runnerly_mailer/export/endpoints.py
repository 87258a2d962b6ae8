"""``GET /v1/runners/{runner_id}/export``: the mailer's part of "Download my data"."""

from __future__ import annotations

from fastapi import APIRouter

from runnerly_kit.columns import utcnow
from runnerly_kit.export import EXPORT_PATH, EXPORT_ROUTE, ExportedRunner, RunnerExport
from runnerly_kit.sessions import ReadSessionDep
from runnerly_mailer.export import service
from runnerly_mailer.export.schemas import MailerExport

router = APIRouter(tags=["export"])


@router.get(EXPORT_PATH, **EXPORT_ROUTE, response_model=RunnerExport[MailerExport])
async def export_runner_data(
    runner_id: ExportedRunner, session: ReadSessionDep
) -> RunnerExport[MailerExport]:
    data = await service.export(session, runner_id)
    return RunnerExport.of("mailer", runner_id, data, exported_at=utcnow())
