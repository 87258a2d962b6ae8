"""OAuth2 errors (RFC 6749 §5.2, RFC 7009 §2.2.1) in Runnerly's JSON envelope.

The error code is the RFC's (``invalid_grant``...), in ``error.code``; see
docs/decisions.md for why the token endpoint keeps the envelope.
"""

from __future__ import annotations

from runnerly_kit.errors import BadRequest, Unauthenticated


class OAuthError(BadRequest):
    """A 400 with one of the RFC 6749 error codes."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message, code=code, headers={"Cache-Control": "no-store"})


def invalid_request(message: str) -> OAuthError:
    return OAuthError("invalid_request", message)


def invalid_grant(message: str) -> OAuthError:
    return OAuthError("invalid_grant", message)


def invalid_scope(message: str) -> OAuthError:
    return OAuthError("invalid_scope", message)


def unauthorized_client(message: str) -> OAuthError:
    return OAuthError("unauthorized_client", message)


def unsupported_grant_type(grant_type: str) -> OAuthError:
    return OAuthError("unsupported_grant_type", f"The grant type {grant_type!r} is not supported.")


class InvalidClient(Unauthenticated):
    """Client authentication failed: 401 with a ``WWW-Authenticate`` challenge."""

    def __init__(self, message: str = "Client authentication failed.") -> None:
        super().__init__(
            message,
            code="invalid_client",
            headers={"WWW-Authenticate": 'Basic realm="runnerly"', "Cache-Control": "no-store"},
        )
