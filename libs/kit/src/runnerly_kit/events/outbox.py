"""The transactional outbox: an event is a row written in the same transaction as its cause.

``record_event`` only adds a row to the caller's session, so the event exists
if and only if the change commits. After the commit, the relays of that
database are woken to publish it at once; their periodic poll is the safety
net for a wake-up that is lost (another process committed, or the relay was
busy).
"""

from __future__ import annotations

import weakref
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import Session
from sqlalchemy.pool import Pool

from runnerly_kit.events.tables import OutboxMessage
from runnerly_kit.events.types import Envelope, EventData

if TYPE_CHECKING:
    from runnerly_kit.db import Database

_PENDING = "runnerly_outbox_pending_pool"
_HOOKED = "runnerly_outbox_hooked"


class _Wakeable(Protocol):
    def wake(self) -> None: ...


# Relays by the connection pool of the database they read, so a commit on that
# database can wake them. The pool, not the engine: a database's write sessions
# use an option-carrying copy of its engine, which shares the pool.
# Weak on both sides: a disposed database or a dropped relay leaves nothing behind.
_relays: weakref.WeakKeyDictionary[Pool, weakref.WeakSet[Any]] = weakref.WeakKeyDictionary()


def register_relay(database: Database, relay: _Wakeable) -> None:
    """Have ``relay`` woken whenever a session on ``database`` commits an event."""
    _relays.setdefault(database.engine.sync_engine.pool, weakref.WeakSet()).add(relay)


def unregister_relay(database: Database, relay: _Wakeable) -> None:
    """Stop waking ``relay``."""
    relays = _relays.get(database.engine.sync_engine.pool)
    if relays is not None:
        relays.discard(relay)


def record_event(
    session: AsyncSession, data: EventData, *, source: str, subject: str | None = None
) -> Envelope:
    """Add ``data`` to the outbox in the caller's transaction and return its envelope.

    Nothing is published unless and until the transaction commits. The envelope
    carries the current request id and trace context.
    """
    envelope = Envelope.wrap(data, source=source, subject=subject)
    session.add(
        OutboxMessage(
            id=envelope.id,
            type=envelope.type,
            subject=envelope.subject,
            envelope=envelope.model_dump_json(),
            created_at=datetime.now(UTC),
        )
    )
    sync_session = session.sync_session
    bind = session.bind
    if bind is not None:
        sync_session.info[_PENDING] = bind.sync_engine.pool
    if not sync_session.info.get(_HOOKED):
        sync_session.info[_HOOKED] = True
        event.listen(sync_session, "after_commit", _after_commit)
        event.listen(sync_session, "after_rollback", _after_rollback)
    return envelope


def _after_commit(session: Session) -> None:
    pool = session.info.pop(_PENDING, None)
    if pool is None:
        return
    for relay in list(_relays.get(pool, ())):
        relay.wake()


def _after_rollback(session: Session) -> None:
    # The rows went with the transaction; there is nothing to wake anyone for.
    session.info.pop(_PENDING, None)
