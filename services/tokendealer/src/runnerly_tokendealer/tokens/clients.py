"""Client authentication: HTTP Basic (client_secret_basic) or the form (client_secret_post)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Mapping
from urllib.parse import unquote

from runnerly_tokendealer.settings import ClientConfig, TokenDealerSettings
from runnerly_tokendealer.tokens.errors import InvalidClient, invalid_request


def authenticate_client(
    settings: TokenDealerSettings, authorization: str | None, form: Mapping[str, str]
) -> ClientConfig:
    """The client that signed this request, or :class:`InvalidClient`."""
    client_id, secret = _credentials(authorization, form)
    client = settings.client(client_id)
    # Same answer for an unknown client and a wrong secret: no client enumeration.
    if client is None or not client.secret_matches(secret):
        raise InvalidClient()
    return client


def _credentials(authorization: str | None, form: Mapping[str, str]) -> tuple[str, str]:
    in_form = "client_secret" in form
    if authorization:
        if in_form:
            raise invalid_request("Use one client authentication method, not two.")
        return _basic(authorization)
    if in_form and form.get("client_id"):
        return form["client_id"], form["client_secret"]
    raise InvalidClient("Client authentication is required.")


def _basic(authorization: str) -> tuple[str, str]:
    scheme, _, encoded = authorization.partition(" ")
    if scheme.lower() != "basic" or not encoded:
        raise InvalidClient()
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        raise InvalidClient() from None
    client_id, sep, secret = decoded.partition(":")
    if not sep:
        raise InvalidClient()
    # RFC 6749 §2.3.1: both parts are form-urlencoded before being joined.
    return unquote(client_id.replace("+", " ")), unquote(secret.replace("+", " "))
