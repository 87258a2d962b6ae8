"""Calls to the services behind the screens, with the runner's own access token.

Every screen's data belongs to a service (users, runs, strava): the dashboard
calls it as the runner, through the kit's client (timeouts, retries of
idempotent calls, a breaker per peer, the request id), and passes its answer
on. A peer's 4xx is the runner's business (a wrong password, a run that is not
theirs, a field out of range) and is passed on as the same error envelope,
field details included, so the app shows the message next to the field. A
peer's 5xx or silence becomes our 503 naming the service by name only: error
bodies never carry an internal address.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import httpx

from runnerly_kit.errors import RunnerlyError, ServiceUnavailable, Unauthenticated, UpstreamError
from runnerly_kit.http import ServiceClient
from runnerly_kit.logs import get_logger

_log = get_logger("runnerly.dashboard.peers")
#: Headers of a peer's error worth passing on to the browser.
_PASSED_HEADERS = ("retry-after",)


@dataclass(frozen=True, slots=True)
class Caller:
    """The logged-in runner a request is made for, and their current access token."""

    runner_id: str
    access_token: str

    @property
    def authorization(self) -> dict[str, str]:
        """The ``Authorization`` header carrying the runner's token."""
        return {"Authorization": f"Bearer {self.access_token}"}


def not_logged_in(message: str = "Log in first.") -> Unauthenticated:
    """The 401 every route that needs a runner answers without a live session."""
    return Unauthenticated(message, code="not_logged_in")


@dataclass(frozen=True)
class Peer:
    """One service the dashboard calls: its name (for messages) and its base URL."""

    name: str
    url: str
    http: ServiceClient

    async def call(
        self,
        method: str,
        path: str,
        *,
        caller: Caller | None,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        headers: Mapping[str, str] | None = None,
        **kwargs: Any,
    ) -> httpx.Response:
        """Send one request as ``caller`` (anonymously when None); a 2xx or 3xx answer, else
        the peer's error as ours (see :func:`raise_for_peer`)."""
        sent = dict(headers or {})
        if caller is not None:
            sent.update(caller.authorization)
        if json is not None:
            kwargs["json"] = json
        response = await self.http.request(
            method,
            f"{self.url.rstrip('/')}{path}",
            # Never the dashboard's own token: a peer acts for the runner or for nobody.
            authenticate=False,
            params={k: v for k, v in (params or {}).items() if v is not None} or None,
            headers=sent,
            **kwargs,
        )
        raise_for_peer(response, self.name)
        return response

    async def json(self, method: str, path: str, *, caller: Caller | None, **kwargs: Any) -> Any:
        """:meth:`call`, and the answer's JSON body."""
        return (await self.call(method, path, caller=caller, **kwargs)).json()


def raise_for_peer(response: httpx.Response, peer: str) -> None:
    """Nothing for a 2xx or 3xx; otherwise the error the browser should see.

    A 401 means the runner's token is no longer accepted (their session was
    revoked): the runner must log in again. Other 4xx pass on with the peer's
    code, message and details; a 5xx is our 503.
    """
    status = response.status_code
    if status < 400:
        return
    if status == 401:
        raise not_logged_in("Your session has ended: log in again.")
    if status >= 500:
        _log.warning("peer_failed", peer=peer, status=status)
        raise ServiceUnavailable(
            f"The {peer} service is unavailable right now; try again in a moment.",
            code="peer_unavailable",
            details={"peer": peer},
        )
    error = _envelope(response)
    if error is None:
        _log.warning("peer_answer_unreadable", peer=peer, status=status)
        raise UpstreamError(
            f"The {peer} service gave an answer the dashboard cannot read.",
            details={"peer": peer},
        )
    headers = {k: v for k in _PASSED_HEADERS if (v := response.headers.get(k)) is not None}
    raise RunnerlyError(
        str(error.get("message") or "The request was refused."),
        code=str(error.get("code") or "refused"),
        details=error.get("details"),
        status_code=status,
        headers=headers,
    )


def _envelope(response: httpx.Response) -> dict[str, Any] | None:
    try:
        body = response.json()
    except ValueError:
        return None
    error = body.get("error") if isinstance(body, dict) else None
    return error if isinstance(error, dict) else None
