"""The dashboard's runtime objects, built at start-up, and the request context.

Most of a screen's time is spent calling other services, so a request does
not hold a database transaction: the :class:`Context` carries the database,
and the session rules open short transactions of their own around the few
reads and writes of the session row (never across a call to another service:
SQLite's writer must not wait on the network).
"""

from __future__ import annotations

import asyncio
import uuid
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends

from runnerly_dashboard.metrics import DashboardMetrics
from runnerly_dashboard.peers import Peer
from runnerly_dashboard.settings import DashboardSettings
from runnerly_kit.app import Hook
from runnerly_kit.auth import TokenVerifier
from runnerly_kit.crypto import TokenCipher
from runnerly_kit.db import Database
from runnerly_kit.http import ServiceClient
from runnerly_kit.runtime import Runtime, RuntimeDep

Clock = Callable[[], datetime]
#: HKDF's salt and info for the session tokens: fixed forever, or stored tokens cannot be read.
_CIPHER_SALT = b"runnerly-dashboard"
_CIPHER_INFO = b"dashboard-session-tokens/v1"


class SessionLocks:
    """One lock per browser session, held while its tokens are refreshed.

    Two requests of one session arriving together with a nearly expired access
    token must not both spend the refresh token: the token dealer would see
    the second use as theft and end the session. Weak values: a lock lives only
    while a request holds it.
    """

    def __init__(self) -> None:
        self._locks: weakref.WeakValueDictionary[uuid.UUID, asyncio.Lock] = (
            weakref.WeakValueDictionary()
        )

    def of(self, session_id: uuid.UUID) -> asyncio.Lock:
        """The lock of one session (the same object for every request holding it)."""
        lock = self._locks.get(session_id)
        if lock is None:
            lock = asyncio.Lock()
            self._locks[session_id] = lock
        return lock


@dataclass(frozen=True)
class Components:
    """What the dashboard's requests share in one process."""

    cipher: TokenCipher
    clock: Clock
    locks: SessionLocks
    users: Peer
    runs: Peer
    strava: Peer
    #: The client for the token dealer and the export's file downloads.
    http: ServiceClient
    metrics: DashboardMetrics
    #: Checks the tokens the token dealer hands out (the kit's, against its JWKS).
    verifier: TokenVerifier


def settings_of(runtime: Runtime) -> DashboardSettings:
    """The runtime's settings, as the dashboard's own class."""
    return runtime.settings_as(DashboardSettings)


def components_of(runtime: Runtime) -> Components:
    """The process's cipher, clock, locks and peers."""
    return runtime.components.get(Components)


def session_cipher(settings: DashboardSettings) -> TokenCipher:
    """The cipher of the runners' tokens at rest (``DASHBOARD_SESSION_ENCRYPTION_KEY``)."""
    return TokenCipher(settings.session_encryption_key, salt=_CIPHER_SALT, info=_CIPHER_INFO)


def components_hook(clock: Clock) -> Hook:
    """The start-up hook that builds the components with ``clock`` (no I/O)."""

    async def open_components(runtime: Runtime) -> None:
        settings = settings_of(runtime)
        http = runtime.http
        runtime.components.add(
            Components(
                cipher=session_cipher(settings),
                clock=clock,
                locks=SessionLocks(),
                users=Peer("users", settings.users_url, http),
                runs=Peer("runs", settings.runs_url, http),
                strava=Peer("strava", settings.strava_url, http),
                http=http,
                metrics=DashboardMetrics(runtime.registry),
                verifier=runtime.verifier,
            )
        )

    return open_components


@dataclass(frozen=True, slots=True)
class Context:
    """What a request's rules use: the database, the settings, the components, the time."""

    db: Database
    settings: DashboardSettings
    parts: Components
    now: datetime


async def _context(runtime: RuntimeDep) -> Context:
    parts = components_of(runtime)
    return Context(runtime.db, settings_of(runtime), parts, parts.clock())


ContextDep = Annotated[Context, Depends(_context)]
