"""Waking a service's worker right after the commit that gave it work.

A consumer or an endpoint queues a row (an email to send, a Strava job) in
its own transaction and knows nothing of the worker; it asks for the worker's
doorbell to be rung once that transaction commits (never before: the worker
would not see the row). The worker's periodic poll covers a ring that is
missed, e.g. a row queued by another replica. The mailer and the strava
service use it.
"""

from __future__ import annotations

import asyncio
import contextlib
import weakref

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from sqlalchemy.pool import Pool

from runnerly_kit.db import Database

_PENDING = "runnerly_doorbell_pool"
_HOOKED = "runnerly_doorbell_hooked"


class Doorbell:
    """An asyncio event a worker waits on, with a timeout."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def ring(self) -> None:
        """Wake the waiting worker (or have its next wait return at once)."""
        self._event.set()

    def reset(self) -> None:
        """Forget earlier rings: called before a round looks for work, so a ring during
        the round (for a row the round may have missed) still cuts the next wait short."""
        self._event.clear()

    async def wait(self, seconds: float) -> None:
        """Return when rung since the last reset, or after ``seconds``."""
        # asyncio.timeout, not wait_for: on Python 3.11 wait_for can swallow a
        # cancellation that lands as the event is set, and a worker that missed
        # its cancellation never lets the service stop.
        with contextlib.suppress(TimeoutError):
            async with asyncio.timeout(max(0.0, seconds)):
                await self._event.wait()


# By the connection pool, which a database's write engine shares with its
# read engine (same idea as the kit's outbox relay). Weak on both sides.
_bells: weakref.WeakKeyDictionary[Pool, weakref.WeakSet[Doorbell]] = weakref.WeakKeyDictionary()


def register(database: Database, bell: Doorbell) -> None:
    """Ring ``bell`` whenever a transaction on ``database`` asks for it (``ring_after_commit``)."""
    _bells.setdefault(database.engine.sync_engine.pool, weakref.WeakSet()).add(bell)


def unregister(database: Database, bell: Doorbell) -> None:
    """Stop ringing ``bell``."""
    bells = _bells.get(database.engine.sync_engine.pool)
    if bells is not None:
        bells.discard(bell)


def ring_after_commit(session: AsyncSession) -> None:
    """Ring the doorbells of this session's database once its transaction commits."""
    sync_session = session.sync_session
    bind = session.bind
    if bind is None:
        return
    sync_session.info[_PENDING] = bind.sync_engine.pool
    if not sync_session.info.get(_HOOKED):
        sync_session.info[_HOOKED] = True
        event.listen(sync_session, "after_commit", _after_commit)
        event.listen(sync_session, "after_rollback", _after_rollback)


def _after_commit(session: Session) -> None:
    pool = session.info.pop(_PENDING, None)
    if pool is None:
        return
    for bell in list(_bells.get(pool, ())):
        bell.ring()


def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)
