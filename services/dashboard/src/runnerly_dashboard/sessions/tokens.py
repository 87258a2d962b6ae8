"""The token dealer, as the dashboard's client: log in, refresh, revoke (RFC 6749, RFC 7009).

The dashboard authenticates as its own client (HTTP Basic) on every call.
None of these is retried: a login or a refresh sent twice could spend a
refresh token twice, which the token dealer reads as theft and answers by
ending the session. Refusals become the errors the app shows: wrong
credentials (401), an account not activated yet (403), throttled (429 with
``Retry-After``).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from runnerly_kit.errors import Forbidden, RateLimited, ServiceUnavailable, Unauthenticated
from runnerly_kit.http import ServiceClient
from runnerly_kit.logs import get_logger

_log = get_logger("runnerly.dashboard.tokens")
_UNAVAILABLE = "Logging in is not possible right now; try again in a moment."


@dataclass(frozen=True, slots=True)
class IssuedTokens:
    """A token response (RFC 6749 §5.1)."""

    access_token: str
    refresh_token: str
    expires_in: int


class SessionEnded(Exception):
    """The token dealer refused the refresh token: the login session is over."""


class TokenDealer:
    """The token dealer's endpoints, called as the ``dashboard`` client."""

    def __init__(self, http: ServiceClient, url: str, client_id: str, client_secret: str) -> None:
        self._http = http
        self._url = url.rstrip("/")
        self._auth = (client_id, client_secret)

    async def log_in(self, email: str, password: str, *, address: str) -> IssuedTokens:
        """The password grant for a runner; ``address`` is their browser's (for throttling)."""
        response = await self._post(
            "/oauth/token",
            {"grant_type": "password", "username": email, "password": password},
            headers={"X-Forwarded-For": address} if address else {},
        )
        if response.status_code == 200:
            return _issued(response)
        error = _error(response)
        if response.status_code == 400 and error.get("code") == "invalid_grant":
            details = error.get("details")
            if isinstance(details, dict) and details.get("reason") == "account_inactive":
                raise Forbidden(
                    "This account is not active yet: follow the link in the activation email.",
                    code="account_inactive",
                )
            raise Unauthenticated("The email or the password is wrong.", code="invalid_credentials")
        if response.status_code == 429:
            retry_after = response.headers.get("retry-after", "60")
            raise RateLimited(
                "Too many failed logins: wait a little before trying again.",
                code="throttled",
                headers={"Retry-After": retry_after},
            )
        raise self._unavailable(response)

    async def refresh(self, refresh_token: str) -> IssuedTokens:
        """The refresh-token grant (the token rotates); :class:`SessionEnded` when refused."""
        response = await self._post(
            "/oauth/token", {"grant_type": "refresh_token", "refresh_token": refresh_token}
        )
        if response.status_code == 200:
            return _issued(response)
        if response.status_code == 400:
            raise SessionEnded(str(_error(response).get("code", "")))
        raise self._unavailable(response)

    async def revoke(self, token: str) -> None:
        """End the login session of a refresh token (RFC 7009); unknown tokens are fine."""
        response = await self._post("/oauth/revoke", {"token": token})
        if response.status_code != 200:
            raise self._unavailable(response)

    async def _post(
        self, path: str, form: dict[str, str], headers: dict[str, str] | None = None
    ) -> httpx.Response:
        return await self._http.post(
            f"{self._url}{path}",
            data=form,
            auth=self._auth,
            headers=headers or {},
            authenticate=False,
        )

    @staticmethod
    def _unavailable(response: httpx.Response) -> ServiceUnavailable:
        # A 401 here is our own client refused (misconfiguration): an operator's problem,
        # which the logs name; the runner only learns that logging in is unavailable.
        _log.error(
            "tokendealer_refused_dashboard",
            status=response.status_code,
            code=_error(response).get("code"),
        )
        return ServiceUnavailable(_UNAVAILABLE, code="login_unavailable")


def _issued(response: httpx.Response) -> IssuedTokens:
    body = response.json()
    return IssuedTokens(
        access_token=str(body["access_token"]),
        refresh_token=str(body.get("refresh_token", "")),
        expires_in=int(body.get("expires_in", 0)),
    )


def _error(response: httpx.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else {}
