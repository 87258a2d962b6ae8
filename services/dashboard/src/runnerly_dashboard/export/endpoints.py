"""``GET /bff/v1/export``: "download my data" as a zip."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import StreamingResponse

from runnerly_dashboard.caching import NO_STORE
from runnerly_dashboard.dependencies import ContextDep
from runnerly_dashboard.export import service
from runnerly_dashboard.sessions.service import CallerDep

router = APIRouter(prefix="/bff/v1", tags=["export"])


@router.get(
    "/export",
    response_class=StreamingResponse,
    responses={
        200: {
            "description": "A zip: one folder per service, its JSON and its files.",
            "content": {"application/zip": {"schema": {"type": "string", "format": "binary"}}},
        }
    },
    summary="Download my data: everything every service keeps about the runner, as a zip.",
)
async def download_my_data(context: ContextDep, caller: CallerDep) -> StreamingResponse:
    spool = await service.build(context, caller)
    return StreamingResponse(
        service.chunks(spool),
        media_type="application/zip",
        headers={
            "Content-Disposition": f'attachment; filename="{service.archive_name(context)}"',
            "Cache-Control": NO_STORE,
        },
    )
