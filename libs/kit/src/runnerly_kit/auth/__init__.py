"""Who is calling: local verification of access tokens and the FastAPI dependencies built on it.

::

    TokenVerifier       verifies a bearer token against the tokendealer's JWKS (cached)
    Claims              what a verified token says (subject, scopes, expiry, ids)
    CurrentClaims       dependency: any valid token, else 401
    CurrentRunner       dependency: a runner's token (scope "runner"), else 401/403
    require_scope(s)    dependency factory: a caller holding scope s, else 401/403
    ensure_owner        a runner only ever sees and changes their own data
    RevocationList      tokens revoked before their expiry, learnt from events (``events``)
"""

from runnerly_kit.auth._claims import RUNNER_SCOPE, Claims, Runner
from runnerly_kit.auth._dependencies import (
    CurrentClaims,
    CurrentRunner,
    current_claims,
    current_runner,
    ensure_owner,
    require_scope,
)
from runnerly_kit.auth._revocations import RevocationList, revocation_watcher
from runnerly_kit.auth._verifier import REQUIRED_CLAIMS, TokenVerifier, invalid_token

__all__ = [
    "REQUIRED_CLAIMS",
    "RUNNER_SCOPE",
    "Claims",
    "CurrentClaims",
    "CurrentRunner",
    "RevocationList",
    "Runner",
    "TokenVerifier",
    "current_claims",
    "current_runner",
    "ensure_owner",
    "invalid_token",
    "require_scope",
    "revocation_watcher",
]
