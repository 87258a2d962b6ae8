"""``runnerly login``: a runner's access token from the command line, on the embedded system.

Logging in is the dashboard's job; until a runner has one, this is how they
(and a newcomer reading the README) call the runs and strava APIs by hand.
The launcher registers a client of its own, ``runnerly-cli``, allowed the
password grant, with a secret it generates into ``var/secrets.json`` like the
services'. Its tokens carry at most the ``runner`` and ``admin`` scopes, and
only those the account has: the token dealer keeps the intersection.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from runnerly_launcher.errors import LauncherError

if TYPE_CHECKING:
    import httpx

CLI_CLIENT_ID = "runnerly-cli"
CLI_SCOPES = ("runner", "admin")
CLI_GRANT_TYPES = ("password", "refresh_token")


class LoginRefused(LauncherError):
    """The token dealer refused the login (wrong password, inactive account, throttled)."""


@dataclass(frozen=True)
class Tokens:
    access_token: str
    refresh_token: str
    expires_in: int
    scope: str


def cli_client(secret_hash: str) -> dict[str, Any]:
    """The CLI's entry in the token dealer's ``CLIENTS`` (only the hash of its secret)."""
    return {
        "client_id": CLI_CLIENT_ID,
        "secret_hash": secret_hash,
        "scopes": list(CLI_SCOPES),
        "grant_types": list(CLI_GRANT_TYPES),
    }


def log_in(tokendealer_url: str, secret: str, email: str, password: str) -> Tokens:
    """The password grant at the token dealer, as the ``runnerly-cli`` client."""
    # Imported here: `runnerly up` reads this module's client id and runs for hours;
    # httpx would be its biggest import.
    import httpx  # noqa: PLC0415

    try:
        response = httpx.post(
            f"{tokendealer_url.rstrip('/')}/oauth/token",
            data={"grant_type": "password", "username": email, "password": password},
            auth=(CLI_CLIENT_ID, secret),
            timeout=15,
        )
    except httpx.TransportError as exc:
        raise LauncherError(
            f"the token dealer at {tokendealer_url} does not answer; is `runnerly up` running?"
        ) from exc
    body = _json(response)
    if response.status_code != 200:
        error = body.get("error")
        message = error.get("message") if isinstance(error, dict) else None
        raise LoginRefused(f"login refused ({response.status_code}): {message or response.text}")
    return Tokens(
        access_token=str(body["access_token"]),
        refresh_token=str(body.get("refresh_token", "")),
        expires_in=int(body.get("expires_in", 0)),
        scope=str(body.get("scope", "")),
    )


def _json(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except json.JSONDecodeError:
        return {}
    return body if isinstance(body, dict) else {}
