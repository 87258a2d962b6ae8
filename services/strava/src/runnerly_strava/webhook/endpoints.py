"""``/v1/strava/webhook``: Strava's subscription validation and its push events."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from runnerly_kit.runtime import RuntimeDep
from runnerly_kit.sessions import SessionDep
from runnerly_strava.dependencies import settings_of
from runnerly_strava.webhook import service
from runnerly_strava.webhook.schemas import Challenge, EventReceipt, StravaEvent

router = APIRouter(prefix="/v1/strava/webhook", tags=["webhook"])

_HubParam = Annotated[str | None, Query(max_length=500)]


@router.get(
    "",
    response_model=Challenge,
    response_model_by_alias=True,
    summary="Strava's validation of the push subscription: echo the challenge.",
)
async def validate_subscription(
    runtime: RuntimeDep,
    mode: Annotated[str | None, Query(alias="hub.mode", max_length=50)] = None,
    challenge: Annotated[str | None, Query(alias="hub.challenge", max_length=500)] = None,
    verify_token: Annotated[str | None, Query(alias="hub.verify_token", max_length=500)] = None,
) -> Challenge:
    echoed = service.answer_challenge(settings_of(runtime), mode, challenge, verify_token)
    return Challenge(hub_challenge=echoed)


@router.post(
    "",
    response_model=EventReceipt,
    summary="A Strava push event: recorded as a job, answered at once.",
)
async def receive_strava_event(
    event: StravaEvent, session: SessionDep, runtime: RuntimeDep
) -> EventReceipt:
    queued = await service.receive_event(session, settings_of(runtime), event)
    return EventReceipt(status="queued" if queued else "ignored")
