"""The local Strava's push subscriptions, with the validation callback Strava performs.

::

    POST   /push_subscriptions         GETs the callback with a challenge it must echo
    GET    /push_subscriptions         the application's subscriptions
    DELETE /push_subscriptions/{id}

Calls carry the application's ``client_id`` and ``client_secret``; Strava
allows one subscription per application.
"""

from __future__ import annotations

import secrets
from datetime import UTC, datetime
from typing import TYPE_CHECKING

import httpx
from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from runnerly_strava.testing.activities import strava_time
from runnerly_strava.testing.replies import read_form, strava_error

if TYPE_CHECKING:
    from runnerly_strava.testing.server import FakeStrava


def subscriptions_router(fake: FakeStrava) -> APIRouter:
    """The push-subscription endpoints, answering from ``fake``'s state."""
    router = APIRouter(prefix="/push_subscriptions")

    def credentials_ok(values: dict[str, str]) -> bool:
        return values.get("client_id") == fake.client_id and secrets.compare_digest(
            values.get("client_secret", ""), fake.client_secret
        )

    @router.post("")
    async def create_subscription(request: Request) -> Response:
        form = await read_form(request)
        if not credentials_ok(form):
            return strava_error(401, "Authorization Error", "Application", "client_id", "invalid")
        if fake.subscriptions:
            return strava_error(400, "Bad Request", "PushSubscription", "", "already exists")
        callback = form.get("callback_url", "")
        challenge = secrets.token_urlsafe(12)
        query = {
            "hub.mode": "subscribe",
            "hub.challenge": challenge,
            "hub.verify_token": form.get("verify_token", ""),
        }
        try:
            async with httpx.AsyncClient(timeout=2.0) as http:
                answer = await http.get(callback, params=query)
            echoed = answer.json().get("hub.challenge") if answer.status_code == 200 else None
        except (httpx.HTTPError, ValueError, AttributeError):
            echoed = None
        if echoed != challenge:
            return strava_error(
                400,
                "Bad Request",
                "PushSubscription",
                "callback url",
                "GET to callback URL does not return 200",
            )
        subscription_id = fake.next_subscription_id()
        now = strava_time(datetime.now(UTC))
        fake.subscriptions[subscription_id] = {
            "id": subscription_id,
            "resource_state": 2,
            "application_id": int(fake.client_id) if fake.client_id.isdigit() else 0,
            "callback_url": callback,
            "created_at": now,
            "updated_at": now,
        }
        return JSONResponse({"id": subscription_id}, status_code=201)

    @router.get("")
    async def list_subscriptions(request: Request) -> Response:
        if not credentials_ok(dict(request.query_params)):
            return strava_error(401, "Authorization Error", "Application", "client_id", "invalid")
        return JSONResponse(list(fake.subscriptions.values()))

    @router.delete("/{subscription_id}")
    async def delete_subscription(subscription_id: str, request: Request) -> Response:
        if not credentials_ok(dict(request.query_params)):
            return strava_error(401, "Authorization Error", "Application", "client_id", "invalid")
        if not subscription_id.isdigit() or int(subscription_id) not in fake.subscriptions:
            return strava_error(404, "Record Not Found", "PushSubscription", "id", "not found")
        del fake.subscriptions[int(subscription_id)]
        return Response(status_code=204)

    return router
