"""The local Strava's OAuth endpoints: authorize, token (code and refresh grants), deauthorize.

::

    GET  /oauth/authorize      redirects at once, as if the signed-in athlete agreed
    POST /oauth/token          authorization_code and refresh_token grants
    POST /oauth/deauthorize    revokes the athlete's tokens
"""

from __future__ import annotations

import secrets
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from fastapi import APIRouter, Request, Response
from fastapi.responses import JSONResponse, RedirectResponse

from runnerly_strava.testing.replies import bearer, read_form, strava_error

if TYPE_CHECKING:
    from runnerly_strava.testing.server import FakeStrava


def oauth_router(fake: FakeStrava) -> APIRouter:
    """The OAuth endpoints, answering from ``fake``'s state."""
    router = APIRouter(prefix="/oauth")
    grants = fake.grants

    @router.get("/authorize")
    async def authorize(request: Request) -> Response:
        params = request.query_params
        redirect_uri = params.get("redirect_uri", "")
        if params.get("client_id") != fake.client_id or not redirect_uri:
            return strava_error(400, "Bad Request", "Application", "client_id", "invalid")
        if params.get("response_type") != "code":
            return strava_error(400, "Bad Request", "Authorize", "response_type", "invalid")
        if grants.signed_in is None:
            return strava_error(401, "Authorization Error", "Athlete", "session", "missing")
        athlete_id, scope, deny = grants.signed_in
        state = params.get("state", "")
        if deny:
            query = {"state": state, "error": "access_denied"}
        else:
            code = grants.new_code(athlete_id, scope, redirect_uri)
            query = {"state": state, "code": code, "scope": scope}
        separator = "&" if "?" in redirect_uri else "?"
        return RedirectResponse(f"{redirect_uri}{separator}{urlencode(query)}", status_code=302)

    @router.post("/token")
    async def token(request: Request) -> Response:
        form = await read_form(request)
        if form.get("client_id") != fake.client_id or not secrets.compare_digest(
            form.get("client_secret", ""), fake.client_secret
        ):
            return strava_error(401, "Authorization Error", "Application", "client_id", "invalid")
        grant_type = form.get("grant_type")
        if grant_type == "authorization_code":
            code = grants.codes.pop(form.get("code", ""), None)
            if code is None:
                return strava_error(400, "Bad Request", "AuthorizationCode", "code", "invalid")
            grant = grants.issue(code.athlete_id, code.scope, fake.token_lifetime)
            athlete = fake.athletes[code.athlete_id]
            return JSONResponse(
                {
                    **grant.token_body(),
                    "athlete": {
                        "id": athlete.id,
                        "username": f"{athlete.firstname.lower()}_{athlete.id}",
                        "resource_state": 2,
                        "firstname": athlete.firstname,
                        "lastname": athlete.lastname,
                        "city": "Paris",
                        "country": "France",
                        "sex": "F",
                        "premium": False,
                        "summit": False,
                        "created_at": "2017-11-14T02:30:05Z",
                        "updated_at": "2018-02-06T19:32:20Z",
                    },
                }
            )
        if grant_type == "refresh_token":
            current = grants.refresh(form.get("refresh_token", ""), fake.token_lifetime)
            if current is None:
                return strava_error(400, "Bad Request", "RefreshToken", "refresh_token", "invalid")
            return JSONResponse(current.token_body())
        return strava_error(400, "Bad Request", "Token", "grant_type", "invalid")

    @router.post("/deauthorize")
    async def deauthorize(request: Request) -> Response:
        form = await read_form(request)
        access_token = form.get("access_token") or request.query_params.get("access_token") or ""
        if not access_token:
            access_token = bearer(request)
        grant = grants.by_access_token(access_token)
        if grant is None:
            return strava_error(401, "Authorization Error", "Athlete", "access_token", "invalid")
        fake.revoke(grant.athlete_id)
        return JSONResponse({"access_token": access_token})

    return router
