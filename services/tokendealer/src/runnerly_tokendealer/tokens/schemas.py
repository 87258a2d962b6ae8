"""Bodies of the token endpoints."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field


class TokenResponse(BaseModel):
    """RFC 6749 §5.1."""

    access_token: str
    token_type: Literal["Bearer"] = "Bearer"  # noqa: S105  # RFC 6750 token type, not a secret
    expires_in: int = Field(description="Seconds until the access token expires.")
    scope: str
    refresh_token: str | None = None


# The token endpoints read their form by hand (see endpoints.py), so their
# request bodies are described here for the OpenAPI document.
TOKEN_FORM_SCHEMA = {
    "type": "object",
    "required": ["grant_type"],
    "properties": {
        "grant_type": {
            "type": "string",
            "enum": ["client_credentials", "refresh_token", "password"],
        },
        "scope": {"type": "string", "description": "Space-delimited scopes."},
        "refresh_token": {"type": "string"},
        "username": {"type": "string"},
        "password": {"type": "string", "format": "password"},
        "client_id": {"type": "string"},
        "client_secret": {"type": "string", "format": "password"},
    },
}

REVOKE_FORM_SCHEMA = {
    "type": "object",
    "required": ["token"],
    "properties": {
        "token": {"type": "string"},
        "token_type_hint": {"type": "string", "enum": ["access_token", "refresh_token"]},
        "client_id": {"type": "string"},
        "client_secret": {"type": "string", "format": "password"},
    },
}
