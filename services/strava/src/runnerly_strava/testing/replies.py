"""How the local Strava reads requests and shapes its errors, as Strava does."""

from __future__ import annotations

from fastapi import Request
from fastapi.responses import JSONResponse


def strava_error(
    status: int,
    message: str,
    resource: str,
    field_name: str,
    code: str,
    headers: dict[str, str] | None = None,
) -> JSONResponse:
    """Strava's error body: ``{"message", "errors": [{"resource", "field", "code"}]}``."""
    body = {
        "message": message,
        "errors": [{"resource": resource, "field": field_name, "code": code}],
    }
    return JSONResponse(body, status_code=status, headers=headers)


def rate_limited(headers: dict[str, str]) -> JSONResponse:
    """The 429 of a spent window, with the usage headers."""
    return strava_error(
        429, "Rate Limit Exceeded", "Application", "rate limit", "exceeded", headers
    )


async def read_form(request: Request) -> dict[str, str]:
    """The request's form, kept on the request for the call recorder."""
    form = {k: str(v) for k, v in (await request.form()).items()}
    request.state.form = form
    return form


def bearer(request: Request) -> str:
    """The bearer token of the request ("" without one)."""
    scheme, _, token = request.headers.get("Authorization", "").partition(" ")
    return token.strip() if scheme.lower() == "bearer" else ""
