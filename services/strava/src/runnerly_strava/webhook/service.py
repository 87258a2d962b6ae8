"""The rules of Strava's webhook.

Validation (``GET``): Strava sends ``hub.mode=subscribe``, ``hub.challenge``
and the ``hub.verify_token`` we gave it; we echo the challenge only when the
token matches (compared in constant time), else 403.

Events (``POST``): Strava wants a 200 within two seconds and retries
otherwise. The event is turned into a job in the request's transaction (the
200 is sent only after it commits), so nothing is lost if the process stops
right after answering; the worker does the work. Events are hints, checked
against Strava's API by the job (they are not signed). Ignored, with a log
line and still a 200: events of another subscription (when ours is known),
of athletes linked to nobody, and kinds we do not handle.
"""

from __future__ import annotations

import hmac

from sqlalchemy.ext.asyncio import AsyncSession

from runnerly_kit.columns import utcnow
from runnerly_kit.errors import Forbidden
from runnerly_kit.logs import get_logger
from runnerly_strava.jobs import service as jobs
from runnerly_strava.links import service as links
from runnerly_strava.models import LinkStatus, PushSubscription
from runnerly_strava.settings import StravaSettings
from runnerly_strava.webhook import repository
from runnerly_strava.webhook.schemas import StravaEvent

_log = get_logger("runnerly.strava.webhook")


def answer_challenge(
    settings: StravaSettings, mode: str | None, challenge: str | None, verify_token: str | None
) -> str:
    """The challenge to echo, if the validation request is ours."""
    expected = settings.webhook_verify_token.get_secret_value().encode()
    given = (verify_token or "").encode()
    if (
        mode != "subscribe"
        or not challenge
        or not expected
        or not hmac.compare_digest(given, expected)
    ):
        raise Forbidden("The verify token does not match.", code="invalid_verify_token")
    return challenge


async def receive_event(
    session: AsyncSession, settings: StravaSettings, event: StravaEvent
) -> bool:
    """Queue the job an event calls for; False when it is ignored."""
    fields = {
        "object_type": event.object_type,
        "aspect_type": event.aspect_type,
        "owner_id": event.owner_id,
        "subscription_id": event.subscription_id,
    }
    known = await repository.subscription_ids(session)
    if settings.strava_subscription_id is not None:
        known.add(settings.strava_subscription_id)
    if known and event.subscription_id not in known:
        _log.warning("strava_event_ignored", reason="other subscription", **fields)
        return False
    link = await links.link_of_athlete(session, event.owner_id)
    if link is None:
        _log.info("strava_event_ignored", reason="unknown athlete", **fields)
        return False
    now = utcnow()
    if event.object_type == "activity" and event.aspect_type in ("create", "update", "delete"):
        if link.status != LinkStatus.active:
            _log.info("strava_event_ignored", reason="link broken", **fields)
            return False
        # Create, update and delete alike: the job asks Strava what the activity is now.
        jobs.queue_fetch(session, link.runner_id, event.object_id, now)
    elif event.object_type == "athlete" and str(event.updates.get("authorized")) == "false":
        jobs.queue_deauthorization_check(session, link.runner_id, now)
    else:
        _log.info("strava_event_ignored", reason="not handled", **fields)
        return False
    _log.info("strava_event_queued", runner_id=link.runner_id, **fields)
    return True


async def adopt_subscription(session: AsyncSession, subscription: PushSubscription) -> None:
    """Our push subscription is now ``subscription`` (events of any other are ignored)."""
    await repository.replace_subscription(session, subscription)
