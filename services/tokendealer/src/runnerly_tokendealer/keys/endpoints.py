"""``GET /.well-known/jwks.json`` and the operator's ``POST /v1/keys/rotate``."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Depends, Response
from pydantic import BaseModel

from runnerly_kit.auth import Claims, require_scope
from runnerly_kit.columns import utcnow
from runnerly_kit.runtime import RuntimeDep
from runnerly_kit.sessions import ReadSessionDep
from runnerly_tokendealer.dependencies import KeyRingDep

ROTATE_SCOPE = "tokendealer:keys.rotate"
# Verifiers may cache the key set this long; new keys are published well before
# they sign (key_publish_ahead_seconds, an hour by default), so a cached set
# always holds the key of any token being verified.
JWKS_MAX_AGE_SECONDS = 300

router = APIRouter(tags=["keys"])


class JsonWebKeySet(BaseModel):
    """RFC 7517 §5."""

    keys: list[dict[str, Any]]


class Rotation(BaseModel):
    """The key that signs from now on."""

    kid: str


@router.get(
    "/.well-known/jwks.json",
    response_model=JsonWebKeySet,
    summary="The public keys that verify Runnerly's access tokens.",
)
async def get_jwks(
    session: ReadSessionDep, keyring: KeyRingDep, response: Response
) -> JsonWebKeySet:
    response.headers["Cache-Control"] = f"public, max-age={JWKS_MAX_AGE_SECONDS}"
    return JsonWebKeySet.model_validate(await keyring.jwks(session, utcnow()))


@router.post(
    "/v1/keys/rotate",
    response_model=Rotation,
    summary="Rotate the signing key now (operators).",
)
async def rotate_keys(
    _caller: Annotated[Claims, Depends(require_scope(ROTATE_SCOPE))],
    runtime: RuntimeDep,
    keyring: KeyRingDep,
) -> Rotation:
    return Rotation(kid=await keyring.rotate(runtime.db, utcnow()))
