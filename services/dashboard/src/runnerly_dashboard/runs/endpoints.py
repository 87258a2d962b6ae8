"""``/bff/v1/runs``: the list, a run's page (with an ETag), edit, delete."""

from __future__ import annotations

import uuid
from typing import Annotated

from fastapi import APIRouter, Query, Request, Response
from pydantic import AwareDatetime

from runnerly_dashboard.caching import NO_STORE, PRIVATE_NO_STORE, json_with_etag
from runnerly_dashboard.dependencies import ContextDep
from runnerly_dashboard.runs import service
from runnerly_dashboard.runs.schemas import RunChange, RunScreen, RunsPage
from runnerly_dashboard.sessions.service import CallerDep, GuardedCallerDep
from runnerly_dashboard.shapes import RunDetail

router = APIRouter(prefix="/bff/v1/runs", tags=["runs"])


@router.get("", response_model=RunsPage, summary="The runner's runs, newest first, by pages.")
async def list_runs(
    response: Response,
    context: ContextDep,
    caller: CallerDep,
    after: Annotated[AwareDatetime | None, Query(description="Runs started after.")] = None,
    before: Annotated[AwareDatetime | None, Query(description="Runs started before.")] = None,
    cursor: Annotated[str | None, Query(max_length=200)] = None,
    limit: Annotated[int, Query(ge=1, le=100)] = 20,
) -> RunsPage:
    response.headers["Cache-Control"] = NO_STORE
    return await service.page(
        context, caller, after=after, before=before, cursor=cursor, limit=limit
    )


@router.get(
    "/{run_id}",
    response_model=RunScreen,
    summary="A run's page: the run and its series (ETag: If-None-Match answers 304).",
    responses={304: {"description": "The client's copy (its ETag) is current."}},
)
async def get_run(
    run_id: uuid.UUID, request: Request, context: ContextDep, caller: CallerDep
) -> Response:
    screen = await service.run_screen(context, caller, str(run_id))
    return json_with_etag(request, screen, cache_control=PRIVATE_NO_STORE)


@router.patch("/{run_id}", response_model=RunDetail, summary="Change a run's title or description.")
async def edit_run(
    run_id: uuid.UUID,
    body: RunChange,
    response: Response,
    context: ContextDep,
    caller: GuardedCallerDep,
) -> RunDetail:
    response.headers["Cache-Control"] = NO_STORE
    return await service.change(context, caller, str(run_id), body)


@router.delete("/{run_id}", status_code=204, response_class=Response, summary="Delete a run.")
async def delete_run(run_id: uuid.UUID, context: ContextDep, caller: GuardedCallerDep) -> Response:
    await service.delete(context, caller, str(run_id))
    return Response(status_code=204)
