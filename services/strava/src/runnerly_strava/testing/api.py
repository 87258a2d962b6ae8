"""The local Strava's API: the athlete's activities, one activity, its streams; rate-limited.

::

    GET  /athlete/activities           SummaryActivity pages (page, per_page, before, after)
    GET  /activities/{id}              DetailedActivity, laps included
    GET  /activities/{id}/streams      StreamSet (key_by_type=true) or a list of streams

Every call needs ``Authorization: Bearer <access token>`` (401 with Strava's
error shape otherwise) and is counted against the rate limits (429 above
them, or when told to fail).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse

from runnerly_strava.testing.replies import bearer, rate_limited, strava_error

if TYPE_CHECKING:
    from runnerly_strava.testing.activities import Activity
    from runnerly_strava.testing.server import FakeStrava

#: Paths of the calls counted against the rate limits.
API_PREFIXES = ("/athlete", "/activities")


def api_router(fake: FakeStrava) -> APIRouter:
    """The API endpoints, answering from ``fake``'s state."""
    router = APIRouter()

    def check(request: Request) -> tuple[int | None, dict[str, str], Response | None]:
        """Count the call; the caller's athlete, the usage headers, or the error to answer."""
        headers, over = fake.usage.count()
        if over:
            return None, headers, rate_limited(headers)
        grant = fake.grants.by_access_token(bearer(request))
        if grant is None:
            response = strava_error(
                401, "Authorization Error", "Athlete", "access_token", "invalid"
            )
            response.headers.update(headers)
            return None, headers, response
        return grant.athlete_id, headers, None

    def visible(activity_id: str, athlete_id: int | None) -> Activity | None:
        try:
            activity = fake.activities.get(int(activity_id))
        except ValueError:
            return None
        return activity if activity is not None and activity.athlete_id == athlete_id else None

    @router.get("/athlete/activities")
    async def list_activities(request: Request) -> Response:
        athlete_id, headers, refusal = check(request)
        if refusal is not None:
            return refusal
        params = request.query_params
        try:
            page = max(1, int(params.get("page", "1")))
            per_page = min(200, max(1, int(params.get("per_page", "30"))))
            before = int(params["before"]) if "before" in params else None
            after = int(params["after"]) if "after" in params else None
        except ValueError:
            return strava_error(400, "Bad Request", "Activities", "page", "invalid", headers)
        found = [
            a
            for a in fake.activities.values()
            if a.athlete_id == athlete_id
            and (before is None or a.start_date.timestamp() < before)
            and (after is None or a.start_date.timestamp() > after)
        ]
        # Newest first, except with ``after`` alone: then oldest first (as Strava pages).
        found.sort(key=lambda a: a.start_date, reverse=after is None or before is not None)
        chunk = found[(page - 1) * per_page : page * per_page]
        return JSONResponse([a.summary() for a in chunk], headers=headers)

    @router.get("/activities/{activity_id}")
    async def get_activity(activity_id: str, request: Request) -> Response:
        athlete_id, headers, refusal = check(request)
        if refusal is not None:
            return refusal
        activity = visible(activity_id, athlete_id)
        if activity is None:
            return strava_error(404, "Record Not Found", "Activity", "id", "not found", headers)
        return JSONResponse(activity.detailed(), headers=headers)

    @router.get("/activities/{activity_id}/streams")
    async def get_streams(activity_id: str, request: Request) -> Response:
        athlete_id, headers, refusal = check(request)
        if refusal is not None:
            return refusal
        activity = visible(activity_id, athlete_id)
        if activity is None:
            return strava_error(404, "Record Not Found", "Activity", "id", "not found", headers)
        keys = [k for k in request.query_params.get("keys", "").split(",") if k]
        # Strava always sends the distance stream along with those asked for.
        wanted = [k for k in dict.fromkeys([*keys, "distance"]) if k in activity.streams]
        streams = {
            key: {
                "data": activity.streams[key],
                "series_type": "distance",
                "original_size": len(activity.streams[key]),
                "resolution": "high",
            }
            for key in wanted
        }
        if request.query_params.get("key_by_type", "").lower() == "true":
            return JSONResponse(streams, headers=headers)
        return JSONResponse([{"type": k, **v} for k, v in streams.items()], headers=headers)

    return router
