"""Waking the sync worker right after the commit that queued a job.

A webhook event, a connect or a "sync now" queue a job in their own
transaction; the worker of this process is woken once that commits (never
before: it would not see the row). Its periodic poll covers a ring that is
missed, e.g. a job queued by another replica.
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

_PENDING = "runnerly_strava_ring_pool"
_HOOKED = "runnerly_strava_ring_hooked"


class Doorbell:
    """An asyncio event a worker waits on, with a timeout."""

    def __init__(self) -> None:
        self._event = asyncio.Event()

    def ring(self) -> None:
        """Wake the waiting worker (or have its next wait return at once)."""
        self._event.set()

    def reset(self) -> None:
        """Forget earlier rings (called before a round looks for work)."""
        self._event.clear()

    async def wait(self, seconds: float) -> None:
        """Return when rung since the last reset, or after ``seconds``."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._event.wait(), max(0.0, seconds))


# By connection pool (shared by a database's write and read engines); weak both ways.
_bells: weakref.WeakKeyDictionary[Pool, weakref.WeakSet[Doorbell]] = weakref.WeakKeyDictionary()


def register(database: Database, bell: Doorbell) -> None:
    """Ring ``bell`` whenever a transaction on ``database`` queues a job."""
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
