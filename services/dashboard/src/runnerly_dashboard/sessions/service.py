"""The rules of browser sessions, and the request dependencies every screen uses.

A session is a row found by the SHA-256 of an opaque random cookie (32
bytes). ``GET /bff/v1/session`` starts an anonymous one; logging in puts the
runner and their tokens in it under a *new* cookie value and a new CSRF token
(an attacker who planted a cookie before the login holds nothing after it).
A session ends after ``session_idle_seconds`` unused or
``session_absolute_seconds`` after it began, whichever comes first; both are
measured with the clock of the components, so tests move time by hand.

The access token is refreshed when it expires within
``token_refresh_margin_seconds``. Concurrent requests of one session must not
both spend the refresh token: in one process they queue on the session's
lock and the second finds the tokens already fresh; between replicas the
first to take the row's lease (a conditional UPDATE) refreshes, and the other
keeps using the still valid access token, or answers 503 with
``Retry-After: 1`` when it has expired already. A refused refresh ends the
session (the runner logs in again).

Dependencies for the routes of the features (``BrowserDep``...): the routes
that change anything take a ``Guarded`` one, which checks CSRF first.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Annotated

from fastapi import Depends, Request, Response
from sqlalchemy.ext.asyncio import AsyncSession

from runnerly_dashboard.dependencies import Context, ContextDep
from runnerly_dashboard.models import BrowserSession
from runnerly_dashboard.peers import Caller, not_logged_in
from runnerly_dashboard.sessions import csrf, repository
from runnerly_dashboard.sessions.tokens import IssuedTokens, SessionEnded, TokenDealer
from runnerly_kit.crypto import UndecryptableToken
from runnerly_kit.errors import Forbidden, RunnerlyError, ServiceUnavailable, Unauthenticated
from runnerly_kit.logs import get_logger

_log = get_logger("runnerly.dashboard.sessions")
#: How long one replica may hold a session's refresh lease (longer than a refresh takes).
_REFRESH_LEASE = timedelta(seconds=30)
_ACCESS = "access"
_REFRESH = "refresh"


@dataclass(frozen=True, slots=True)
class Browser:
    """A live session as a request sees it (a copy of its row)."""

    id: uuid.UUID
    csrf_token: str
    runner_id: str | None
    time_zone: str | None
    access_token: str | None
    refresh_token: str | None
    access_expires_at: datetime | None
    token_version: int
    strava_state_hash: str | None
    created_at: datetime
    last_seen_at: datetime

    @classmethod
    def of(cls, row: BrowserSession) -> Browser:
        return cls(
            id=row.id,
            csrf_token=row.csrf_token,
            runner_id=row.runner_id,
            time_zone=row.time_zone,
            access_token=row.access_token,
            refresh_token=row.refresh_token,
            access_expires_at=row.access_expires_at,
            token_version=row.token_version,
            strava_state_hash=row.strava_state_hash,
            created_at=row.created_at,
            last_seen_at=row.last_seen_at,
        )


@dataclass(frozen=True, slots=True)
class Opened:
    """A session just started or rotated: the cookie value to send, and the session."""

    key: str
    browser: Browser


def hash_key(key: str) -> str:
    """The stored form of a cookie value (or of a Strava state)."""
    return hashlib.sha256(key.encode()).hexdigest()


def _alive(context: Context, row: BrowserSession) -> bool:
    settings = context.settings
    idle = context.now - row.last_seen_at
    age = context.now - row.created_at
    return idle < timedelta(seconds=settings.session_idle_seconds) and age < timedelta(
        seconds=settings.session_absolute_seconds
    )


# ---------------------------------------------------------------- finding and starting


async def find(context: Context, key: str | None) -> Browser | None:
    """The live session of a cookie value; None for none, an unknown or an expired one."""
    if not key or len(key) > 128:
        return None
    async with context.db.transaction(write=False) as session:
        row = await repository.by_key(session, hash_key(key))
        if row is None or not _alive(context, row):
            return None
        browser = Browser.of(row)
    touch_every = timedelta(seconds=context.settings.session_touch_seconds)
    if context.now - browser.last_seen_at >= touch_every:
        async with context.db.transaction() as session:
            await repository.touch(session, browser.id, context.now)
    return browser


async def start(context: Context) -> Opened:
    """A new anonymous session."""
    key = secrets.token_urlsafe(32)
    row = BrowserSession(
        id=uuid.uuid4(),
        key_hash=hash_key(key),
        csrf_token=secrets.token_urlsafe(32),
        token_version=0,
        created_at=context.now,
        last_seen_at=context.now,
    )
    async with context.db.transaction() as session:
        repository.add(session, row)
    return Opened(key, Browser.of(row))


# ---------------------------------------------------------------- logging in and out


def token_dealer(context: Context) -> TokenDealer:
    """The token dealer as the dashboard's client."""
    settings = context.settings
    return TokenDealer(
        context.parts.http,
        settings.tokendealer_url,
        settings.client_id,
        settings.client_secret.get_secret_value(),
    )


async def authenticate(
    context: Context, email: str, password: str, *, address: str
) -> tuple[Caller, IssuedTokens]:
    """Check the password at the token dealer: the runner and their new tokens."""
    logins = context.parts.metrics.logins
    try:
        tokens = await token_dealer(context).log_in(email, password, address=address)
    except RunnerlyError as refused:
        logins.labels(refused.code).inc()
        raise
    try:
        # Verified like every service verifies it: the runner is the signed subject.
        claims = await context.parts.verifier.verify(tokens.access_token)
    except Unauthenticated as exc:
        raise ServiceUnavailable(
            "Logging in is not possible right now.", code="login_unavailable"
        ) from exc
    logins.labels("ok").inc()
    return Caller(claims.subject, tokens.access_token), tokens


async def abandon(context: Context, tokens: IssuedTokens) -> None:
    """End a login session that could not be completed (the profile could not be read)."""
    await _revoke_quietly(context, tokens.refresh_token)


async def log_in(
    context: Context, browser: Browser, caller: Caller, tokens: IssuedTokens, *, time_zone: str
) -> Opened:
    """The session becomes the runner's, under a new cookie value and CSRF token."""
    runner_id = caller.runner_id
    previous_refresh = _decrypted(context, browser, _REFRESH)
    key = secrets.token_urlsafe(32)
    async with context.db.transaction() as session:
        row = await repository.by_id(session, browser.id)
        if row is None:  # ended meanwhile (logged out in another tab): a fresh one
            row = BrowserSession(id=uuid.uuid4(), token_version=0)
            repository.add(session, row)
        row.key_hash = hash_key(key)
        row.csrf_token = secrets.token_urlsafe(32)
        row.runner_id = runner_id
        row.strava_state_hash = None
        row.time_zone = time_zone
        # The absolute lifetime counts from the login, not from the anonymous visit.
        row.created_at = context.now
        row.last_seen_at = context.now
        _store_tokens(context, row, runner_id, tokens)
        await session.flush()
        opened = Opened(key, Browser.of(row))
    if previous_refresh is not None:
        # Someone was logged in in this browser: their login session ends too.
        await _revoke_quietly(context, previous_refresh)
    _log.info("runner_logged_in", session=str(opened.browser.id), runner_id=runner_id)
    return opened


async def log_out(context: Context, browser: Browser) -> None:
    """Revoke the runner's login session at the token dealer and forget this session."""
    refresh = _decrypted(context, browser, _REFRESH)
    if refresh is not None:
        await _revoke_quietly(context, refresh)
    async with context.db.transaction() as session:
        await repository.delete_one(session, browser.id)
    _log.info("session_ended", session=str(browser.id), runner_id=browser.runner_id)


async def end(context: Context, browser: Browser) -> None:
    """Forget this session without calling the token dealer (the account is gone)."""
    async with context.db.transaction() as session:
        await repository.delete_one(session, browser.id)


async def remember_time_zone(context: Context, browser: Browser, time_zone: str) -> None:
    """The runner's time zone, for the statistics of the home screen."""
    if browser.time_zone == time_zone:
        return
    async with context.db.transaction() as session:
        row = await repository.by_id(session, browser.id)
        if row is not None:
            row.time_zone = time_zone


async def forget_runner(session: AsyncSession, runner_id: str) -> int:
    """Forget every session of a runner (their account was deleted), in ``session``'s
    transaction."""
    return await repository.delete_runner(session, runner_id)


async def purge_expired(context: Context) -> int:
    """Delete the sessions past their idle or absolute lifetime."""
    settings = context.settings
    async with context.db.transaction() as session:
        return await repository.delete_expired(
            session,
            idle_before=context.now - timedelta(seconds=settings.session_idle_seconds),
            created_before=context.now - timedelta(seconds=settings.session_absolute_seconds),
        )


async def _revoke_quietly(context: Context, refresh_token: str) -> None:
    # Logging out must work with the token dealer down: our copy is forgotten either
    # way, and nobody else holds the token; it expires unused.
    try:
        await token_dealer(context).revoke(refresh_token)
    except RunnerlyError as error:
        _log.warning("revocation_failed", code=error.code)


def _store_tokens(
    context: Context, row: BrowserSession, runner_id: str, tokens: IssuedTokens
) -> None:
    cipher = context.parts.cipher
    row.access_token = cipher.encrypt(tokens.access_token, runner_id=runner_id, purpose=_ACCESS)
    row.refresh_token = cipher.encrypt(tokens.refresh_token, runner_id=runner_id, purpose=_REFRESH)
    row.access_expires_at = context.now + timedelta(seconds=tokens.expires_in)
    row.token_version = (row.token_version or 0) + 1
    row.refreshing_until = None


def _decrypted(context: Context, browser: Browser, purpose: str) -> str | None:
    stored = browser.access_token if purpose == _ACCESS else browser.refresh_token
    if stored is None or browser.runner_id is None:
        return None
    try:
        return context.parts.cipher.decrypt(stored, runner_id=browser.runner_id, purpose=purpose)
    except UndecryptableToken:
        # Another key (DASHBOARD_SESSION_ENCRYPTION_KEY changed) or an altered row.
        _log.warning("session_token_undecryptable", session=str(browser.id))
        return None


# ---------------------------------------------------------------- the runner's token


async def caller(context: Context, browser: Browser) -> Caller:
    """The runner of a live session with an access token good for a while; 401 without one."""
    if browser.runner_id is None:
        raise not_logged_in()
    if _fresh(context, browser):
        token = _decrypted(context, browser, _ACCESS)
        if token is not None:
            return Caller(browser.runner_id, token)
    async with context.parts.locks.of(browser.id):
        return await _refreshed(context, browser.id)


def _fresh(context: Context, browser: Browser) -> bool:
    margin = timedelta(seconds=context.settings.token_refresh_margin_seconds)
    expires = browser.access_expires_at
    return expires is not None and expires - margin > context.now


def _valid(context: Context, browser: Browser) -> bool:
    expires = browser.access_expires_at
    return expires is not None and expires > context.now


async def _refreshed(context: Context, session_id: uuid.UUID) -> Caller:
    """Under the session's lock: the tokens as another request left them, else refreshed."""
    async with context.db.transaction(write=False) as session:
        row = await repository.by_id(session, session_id)
        browser = Browser.of(row) if row is not None else None
    if browser is None or browser.runner_id is None:
        raise not_logged_in("Your session has ended: log in again.")
    runner_id = browser.runner_id
    access = _decrypted(context, browser, _ACCESS)
    if access is not None and _fresh(context, browser):
        return Caller(runner_id, access)  # a request before us refreshed them
    refresh = _decrypted(context, browser, _REFRESH)
    if refresh is None:
        await end(context, browser)
        raise not_logged_in("Your session has ended: log in again.")
    async with context.db.transaction() as session:
        claimed = await repository.claim_refresh(
            session, session_id, browser.token_version, context.now, context.now + _REFRESH_LEASE
        )
    refreshes = context.parts.metrics.refreshes
    if not claimed:
        refreshes.labels("busy").inc()
        return _meanwhile(context, browser, access)
    try:
        tokens = await token_dealer(context).refresh(refresh)
    except SessionEnded as ended:
        refreshes.labels("ended").inc()
        _log.info("session_refresh_refused", session=str(session_id), reason=str(ended))
        await end(context, browser)
        raise not_logged_in("Your session has ended: log in again.") from None
    except RunnerlyError:
        refreshes.labels("unavailable").inc()
        async with context.db.transaction() as session:
            await repository.release_refresh(session, session_id)
        return _meanwhile(context, browser, access)
    refreshes.labels("ok").inc()
    async with context.db.transaction() as session:
        row = await repository.by_id(session, session_id)
        if row is None:  # logged out while we refreshed: the new tokens die with it
            raise not_logged_in("Your session has ended: log in again.")
        _store_tokens(context, row, runner_id, tokens)
    return Caller(runner_id, tokens.access_token)


def _meanwhile(context: Context, browser: Browser, access: str | None) -> Caller:
    """Another replica is refreshing (or the token dealer is away): the old token while valid."""
    if access is not None and browser.runner_id is not None and _valid(context, browser):
        return Caller(browser.runner_id, access)
    raise ServiceUnavailable(
        "Your session is being renewed; try again in a moment.",
        code="session_busy",
        headers={"Retry-After": "1"},
    )


# ---------------------------------------------------------------- the Strava connect state


async def bind_strava_state(context: Context, browser: Browser, state: str) -> None:
    """Remember that this browser started the Strava connect carrying ``state``."""
    async with context.db.transaction() as session:
        row = await repository.by_id(session, browser.id)
        if row is not None:
            row.strava_state_hash = hash_key(state)


async def take_strava_state(context: Context, browser: Browser | None, state: str) -> bool:
    """True (once) when ``state`` is the one this browser's session started."""
    if browser is None or browser.strava_state_hash is None or not state:
        return False
    if not secrets.compare_digest(browser.strava_state_hash, hash_key(state)):
        return False
    async with context.db.transaction() as session:
        row = await repository.by_id(session, browser.id)
        if row is None or row.strava_state_hash != hash_key(state):
            return False
        row.strava_state_hash = None
    return True


# ---------------------------------------------------------------- the cookie


def set_cookie(response: Response, context: Context, key: str) -> None:
    """Send the session's cookie: HttpOnly, SameSite=Lax, ``__Host-`` and Secure outside
    development."""
    settings = context.settings
    response.set_cookie(
        settings.cookie_name,
        key,
        max_age=int(settings.session_absolute_seconds),
        path="/",
        secure=not settings.development,
        httponly=True,
        samesite="lax",
    )


def clear_cookie(response: Response, context: Context) -> None:
    """Tell the browser to forget the session's cookie."""
    settings = context.settings
    response.delete_cookie(
        settings.cookie_name,
        path="/",
        secure=not settings.development,
        httponly=True,
        samesite="lax",
    )


# ---------------------------------------------------------------- request dependencies


def cookie_of(request: Request, context: Context) -> str | None:
    """The session cookie's value in a request."""
    return request.cookies.get(context.settings.cookie_name)


def client_address(request: Request) -> str:
    """The browser's address (the edge proxy's forwarded one is the token dealer's to trust)."""
    return request.client.host if request.client else ""


async def _browser(request: Request, context: ContextDep) -> Browser | None:
    return await find(context, cookie_of(request, context))


#: The request's live session, or None (no CSRF check: for GET only).
BrowserDep = Annotated[Browser | None, Depends(_browser)]


async def _guarded_browser(request: Request, context: ContextDep, browser: BrowserDep) -> Browser:
    reason = csrf.refusal(
        request.headers,
        context.settings.trusted_origins,
        browser.csrf_token if browser is not None else None,
    )
    if reason is not None or browser is None:
        _log.warning("csrf_refused", path=request.url.path, reason=reason)
        raise Forbidden(reason or "No session.", code="csrf_failed")
    return browser


#: The request's live session, for a state-changing route: CSRF checked (403 otherwise).
GuardedBrowserDep = Annotated[Browser, Depends(_guarded_browser)]


async def _caller(context: ContextDep, browser: BrowserDep) -> Caller:
    if browser is None:
        raise not_logged_in()
    return await caller(context, browser)


async def _guarded_caller(context: ContextDep, browser: GuardedBrowserDep) -> Caller:
    return await caller(context, browser)


#: The logged-in runner and a fresh access token (401 ``not_logged_in`` otherwise).
CallerDep = Annotated[Caller, Depends(_caller)]
#: The logged-in runner, for a state-changing route: CSRF checked first.
GuardedCallerDep = Annotated[Caller, Depends(_guarded_caller)]
