"""The Strava screen, and the connect whose ``state`` is bound to the browser session.

Connect: the strava service makes the state and the authorization URL (its
``redirect_uri`` is our ``/bff/v1/strava/callback``: ``STRAVA_REDIRECT_URL``);
the dashboard remembers the state's hash in this browser's session. Strava
sends the browser back here; the callback is forwarded to the strava service
(which exchanges the code) only when its state is the one this session
started, so a link that another browser started (an attacker's own Strava
account pushed onto a victim, "login CSRF" on the link) is refused before it
reaches Strava. The strava service's answer (a redirect to its outcome) is
read, not followed, and turned into the app's ``/strava?connected=1`` or
``/strava?error=<reason>``.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import httpx

from runnerly_dashboard.dependencies import Context
from runnerly_dashboard.peers import Caller
from runnerly_dashboard.sessions import service as sessions
from runnerly_dashboard.sessions.service import Browser
from runnerly_dashboard.strava.schemas import Athlete, AuthorizeUrl, StravaScreen
from runnerly_kit.errors import UpstreamError
from runnerly_kit.logs import get_logger

_log = get_logger("runnerly.dashboard.strava")
#: The app's Strava page, where the callback sends the browser.
STRAVA_PAGE = "/strava"


async def screen(context: Context, caller: Caller) -> StravaScreen:
    """The runner's link as the strava service sees it."""
    body = await context.parts.strava.json("GET", "/v1/strava/connection", caller=caller)
    athlete_id = body.get("athlete_id")
    return StravaScreen(
        # An older strava service does not say: it is configured if it holds a link.
        configured=bool(body.get("configured", body.get("connected"))),
        connected=bool(body.get("connected")),
        athlete=Athlete(id=athlete_id) if athlete_id is not None else None,
        last_sync_at=body.get("last_synced_at"),
        state=body.get("status"),
        backfill=body.get("backfill"),
    )


async def connect(context: Context, caller: Caller, browser: Browser) -> AuthorizeUrl:
    """Strava's authorization URL; its state is remembered as this browser's."""
    body = await context.parts.strava.json("POST", "/v1/strava/connect", caller=caller)
    url = str(body["authorization_url"])
    states = parse_qs(urlsplit(url).query).get("state", [])
    if len(states) != 1:
        raise UpstreamError("The strava service gave an authorization URL without a state.")
    await sessions.bind_strava_state(context, browser, states[0])
    return AuthorizeUrl(authorize_url=url)


async def finish(context: Context, browser: Browser | None, params: dict[str, str]) -> str:
    """Where the browser goes after Strava: the app's Strava page with the outcome."""
    state = params.get("state", "")
    if not await sessions.take_strava_state(context, browser, state):
        _log.warning("strava_state_not_this_sessions", has_session=browser is not None)
        return _page(error="invalid_state")
    strava = context.parts.strava
    try:
        # The state authenticates this call at the strava service; no token, no retry
        # (a repeated callback would find its state used).
        response = await context.parts.http.raw.get(
            f"{strava.url.rstrip('/')}/v1/strava/callback",
            params=params,
            follow_redirects=False,
            timeout=context.settings.http_timeout_seconds * 3,
        )
    except httpx.HTTPError:
        _log.warning("strava_callback_unreachable")
        return _page(error="unavailable")
    if response.status_code in (302, 303):
        outcome = parse_qs(urlsplit(response.headers.get("location", "")).query)
        if outcome.get("status") == ["connected"]:
            return _page(connected="1")
        return _page(error=(outcome.get("reason") or ["failed"])[0])
    try:
        body = response.json()
        code = str(body["error"]["code"])
    except (ValueError, KeyError, TypeError):
        code = "unavailable"
    return _page(error=code if response.status_code < 500 else "unavailable")


def _page(**query: str) -> str:
    return f"{STRAVA_PAGE}?{urlencode(query)}"


async def disconnect(context: Context, caller: Caller) -> None:
    """Unlink Strava (the strava service revokes and forgets)."""
    await context.parts.strava.call("DELETE", "/v1/strava/connection", caller=caller)


async def sync(context: Context, caller: Caller) -> None:
    """Queue a sync of the recent Strava activities."""
    await context.parts.strava.call("POST", "/v1/strava/sync", caller=caller)
