"""FastAPI dependencies: who is calling, and may they do this?

::

    @router.get("/v1/runs")
    async def list_runs(runner: CurrentRunner) -> ...               # a runner's own data

    @router.post("/v1/internal/credentials/check")
    async def check(caller: Annotated[Claims, Depends(require_scope("users:credentials"))]) -> ...
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Annotated

from fastapi import Depends, Request
from fastapi.security import HTTPBearer

from runnerly_kit.auth._claims import RUNNER_SCOPE, Claims, Runner
from runnerly_kit.auth._verifier import invalid_token
from runnerly_kit.errors import Forbidden, NotFound, Unauthenticated
from runnerly_kit.runtime import get_runtime


class _BearerClaims(HTTPBearer):
    """The bearer token's verified claims, as one dependency.

    A subclass of FastAPI's ``HTTPBearer`` so the OpenAPI document declares the
    scheme, but resolving straight to :class:`Claims`: each level of nested
    dependencies costs FastAPI tens of microseconds per request, and this one
    runs on nearly every request of every service (bench/RESULTS.md).
    """

    def __init__(self) -> None:
        # auto_error=False: a missing token is answered by our own envelope.
        super().__init__(auto_error=False, bearerFormat="JWT", scheme_name="HTTPBearer")

    async def __call__(self, request: Request) -> Claims:  # type: ignore[override]
        # Straight from the ASGI scope: building Starlette's Headers for one
        # lookup costs more than the (cached) verification itself.
        header = next((v for k, v in request.scope["headers"] if k == b"authorization"), b"")
        scheme, _, token = header.decode("latin-1").partition(" ")
        if scheme.lower() != "bearer" or not token:
            # RFC 6750 §3.1: no error code when the request carried no credentials at all.
            raise Unauthenticated(
                "An access token is required.", headers={"WWW-Authenticate": "Bearer"}
            )
        runtime = get_runtime(request)
        claims = await runtime.verifier.verify(token.strip())
        # After the verifier's cache, on every request: a token verified before its
        # revocation stays in that cache until it expires.
        revocations = runtime.revocations
        if revocations is not None and revocations.revokes(claims):
            raise invalid_token("revoked")
        return claims


current_claims = _BearerClaims()
"""The dependency behind :data:`CurrentClaims`."""

CurrentClaims = Annotated[Claims, Depends(current_claims)]
"""Any valid bearer token: a runner's or a service's."""


def _insufficient_scope(message: str, scope: str) -> Forbidden:
    return Forbidden(
        message,
        details={"required_scope": scope},
        headers={"WWW-Authenticate": f'Bearer error="insufficient_scope", scope="{scope}"'},
    )


class _BearerRunner(_BearerClaims):
    """The runner whose token this is; 403 for a service's token.

    Flat, like :class:`_BearerClaims` (not a dependency on it): the runner's
    routes are the busiest of all, and a nested dependency level costs more
    than the check it would hold.
    """

    async def __call__(self, request: Request) -> Runner:  # type: ignore[override]
        claims = await super().__call__(request)
        if not claims.has_scope(RUNNER_SCOPE):
            raise _insufficient_scope("This endpoint is for runners.", RUNNER_SCOPE)
        return Runner(id=claims.subject, claims=claims)


current_runner = _BearerRunner()
"""The dependency behind :data:`CurrentRunner`."""


CurrentRunner = Annotated[Runner, Depends(current_runner)]
"""A runner's token (scope ``runner``); ``Runner.id`` is the token's subject."""


def require_scope(scope: str) -> Callable[[Claims], Awaitable[Claims]]:
    """A dependency for "a caller holding ``scope``" (usually a calling service); 403 otherwise.

    Use as ``Annotated[Claims, Depends(require_scope("users:credentials"))]``.
    """

    async def dependency(claims: CurrentClaims) -> Claims:
        if not claims.has_scope(scope):
            raise _insufficient_scope(f"The scope {scope!r} is required.", scope)
        return claims

    dependency.__name__ = f"require_scope_{scope}"
    return dependency


def ensure_owner(runner: Runner, owner_id: str | uuid.UUID, *, conceal: bool = True) -> None:
    """Refuse access to data that belongs to another runner.

    By default the answer is 404, as if the thing did not exist, so that one
    runner cannot learn which ids another runner's data has. With
    ``conceal=False`` (the id is the runner's own, e.g. in ``/v1/runners/{id}``)
    it is 403.
    """
    if runner.id == str(owner_id):
        return
    if conceal:
        raise NotFound("Not found.")
    raise Forbidden("This belongs to another runner.")
