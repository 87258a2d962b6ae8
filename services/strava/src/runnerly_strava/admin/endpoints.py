"""``/v1/admin/strava/push-subscription``: for holders of the ``admin`` scope only."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends

from runnerly_kit.auth import Claims, require_scope
from runnerly_kit.runtime import RuntimeDep
from runnerly_strava.admin import service
from runnerly_strava.admin.schemas import Subscription, Subscriptions
from runnerly_strava.dependencies import components_of, settings_of

router = APIRouter(prefix="/v1/admin/strava", tags=["admin"])

Admin = Annotated[Claims, Depends(require_scope("admin"))]


@router.post(
    "/push-subscription",
    status_code=201,
    response_model=Subscription,
    summary="Subscribe this service's webhook to Strava's push events.",
)
async def create_push_subscription(_admin: Admin, runtime: RuntimeDep) -> Subscription:
    return await service.create_subscription(
        runtime.db, settings_of(runtime), components_of(runtime)
    )


@router.get(
    "/push-subscription",
    response_model=Subscriptions,
    summary="The push subscriptions Strava has for our application.",
)
async def list_push_subscriptions(_admin: Admin, runtime: RuntimeDep) -> Subscriptions:
    return await service.list_subscriptions(settings_of(runtime), components_of(runtime))
