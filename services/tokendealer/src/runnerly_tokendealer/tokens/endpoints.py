"""``POST /oauth/token`` and ``POST /oauth/revoke``: parse, call the service, serialise."""

from __future__ import annotations

from collections.abc import Mapping

from fastapi import APIRouter, Request, Response

from runnerly_kit.columns import utcnow
from runnerly_kit.runtime import get_runtime
from runnerly_kit.sessions import SessionDep
from runnerly_tokendealer.dependencies import keyring_of, settings_of, token_service_of
from runnerly_tokendealer.tokens import service
from runnerly_tokendealer.tokens.clients import authenticate_client
from runnerly_tokendealer.tokens.errors import invalid_request
from runnerly_tokendealer.tokens.form import FORM_MEDIA_TYPE, read_form
from runnerly_tokendealer.tokens.schemas import REVOKE_FORM_SCHEMA, TOKEN_FORM_SCHEMA, TokenResponse

router = APIRouter(prefix="/oauth", tags=["oauth"])

_NO_STORE = {"Cache-Control": "no-store", "Pragma": "no-cache"}


def _form_body(schema: Mapping[str, object]) -> dict[str, object]:
    return {"requestBody": {"required": True, "content": {FORM_MEDIA_TYPE: {"schema": schema}}}}


@router.post(
    "/token",
    response_model=TokenResponse,
    response_model_exclude_none=True,
    summary="Issue tokens (RFC 6749): client_credentials, password and refresh_token grants.",
    openapi_extra=_form_body(TOKEN_FORM_SCHEMA),
)
async def issue_token(request: Request, response: Response, session: SessionDep) -> TokenResponse:
    # The hottest route of the system: every service and every login comes
    # here, so it takes the runtime from the request rather than through three
    # more dependencies (each costs FastAPI ~13 µs; bench/RESULTS.md).
    runtime = get_runtime(request)
    settings = settings_of(runtime)
    form = await read_form(request)
    client = authenticate_client(settings, request.headers.get("authorization"), form)
    context = service.GrantContext(
        session,
        runtime,
        keyring_of(runtime),
        settings,
        utcnow(),
        client_address=client_address(request, settings.trusted_proxies),
    )
    issued = await token_service_of(runtime).issue(context, client, form)
    response.headers.update(_NO_STORE)
    return TokenResponse(
        access_token=issued.access_token,
        expires_in=issued.expires_in,
        scope=issued.scope,
        refresh_token=issued.refresh_token,
    )


def client_address(request: Request, trusted_proxies: frozenset[str]) -> str:
    """The runner's address: a trusted proxy's X-Forwarded-For, else the peer's."""
    peer = request.client.host if request.client else ""
    forwarded = request.headers.get("x-forwarded-for")
    if forwarded and peer in trusted_proxies:
        return forwarded.split(",")[0].strip()
    return peer


@router.post(
    "/revoke",
    status_code=200,
    summary="Revoke a refresh token or the session of an access token (RFC 7009).",
    openapi_extra=_form_body(REVOKE_FORM_SCHEMA),
    response_class=Response,
    responses={200: {"description": "Revoked, or nothing to revoke."}},
)
async def revoke_token(request: Request, session: SessionDep) -> Response:
    runtime = get_runtime(request)
    form = await read_form(request)
    client = authenticate_client(settings_of(runtime), request.headers.get("authorization"), form)
    token = form.get("token")
    if not token:
        raise invalid_request("The token parameter is required.")
    await service.revoke(session, runtime.verifier, client, token, utcnow())
    return Response(status_code=200, headers=_NO_STORE)
