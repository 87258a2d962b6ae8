"""Creating and reading the push subscription (an operator does this once per deployment).

Strava validates the callback while the creation request is open (a GET to
``/v1/strava/webhook`` that must echo the challenge), so this service must be
reachable at ``STRAVA_PUBLIC_URL`` from Strava when it is called. The call to
Strava happens outside any database transaction; the id it returns is stored
afterwards, and events of any other subscription are then ignored.
"""

from __future__ import annotations

from runnerly_kit.columns import utcnow
from runnerly_kit.db import Database
from runnerly_kit.errors import Conflict, ServiceUnavailable, UpstreamError
from runnerly_kit.logs import get_logger
from runnerly_strava.admin.schemas import Subscription, Subscriptions
from runnerly_strava.dependencies import Components
from runnerly_strava.models import PushSubscription
from runnerly_strava.settings import StravaSettings
from runnerly_strava.strava.errors import StravaError, StravaRefused
from runnerly_strava.webhook import service as webhook

_log = get_logger("runnerly.strava.admin")


def _configured(settings: StravaSettings) -> None:
    if not settings.strava_configured:
        raise ServiceUnavailable(
            "Strava is not configured: set STRAVA_STRAVA_CLIENT_ID and "
            "STRAVA_STRAVA_CLIENT_SECRET.",
            code="strava_not_configured",
        )


async def create_subscription(
    database: Database, settings: StravaSettings, components: Components
) -> Subscription:
    """Subscribe our webhook at Strava (or adopt the existing subscription to it)."""
    _configured(settings)
    callback = settings.webhook_url
    verify_token = settings.webhook_verify_token.get_secret_value()
    try:
        subscription_id = await components.strava.create_subscription(callback, verify_token)
    except StravaRefused as refused:
        existing = [
            s for s in (await _list(components)).subscriptions if s.callback_url == callback
        ]
        if not existing:
            raise Conflict(
                "Strava refused the subscription (another callback may be subscribed).",
                code="subscription_refused",
                details={"strava": str(refused)},
            ) from refused
        subscription_id = existing[0].id
    except StravaError as exc:
        raise UpstreamError(f"Strava could not create the subscription: {exc}") from exc
    async with database.transaction() as session:
        await webhook.adopt_subscription(
            session,
            PushSubscription(id=subscription_id, callback_url=callback, created_at=utcnow()),
        )
    _log.info("strava_subscription_created", subscription_id=subscription_id, callback=callback)
    return Subscription(id=subscription_id, callback_url=callback)


async def list_subscriptions(settings: StravaSettings, components: Components) -> Subscriptions:
    """The subscriptions Strava has for our application."""
    _configured(settings)
    try:
        return await _list(components)
    except StravaError as exc:
        raise UpstreamError(f"Strava could not list the subscriptions: {exc}") from exc


async def _list(components: Components) -> Subscriptions:
    found = await components.strava.list_subscriptions()
    return Subscriptions(
        subscriptions=[
            Subscription(id=int(item["id"]), callback_url=str(item.get("callback_url", "")))
            for item in found
            if "id" in item
        ]
    )
