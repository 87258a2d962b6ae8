"""The outbox relay: publishes committed events, in order, until the broker acknowledges each.

Each replica of a service runs one relay on its database. On PostgreSQL a relay
locks its batch with ``FOR UPDATE SKIP LOCKED`` while it publishes, so replicas
split the work. SQLite allows one writer, and holding its write lock while the
broker is slow would stall the service's own writes, so there the batch is read
without a lock, published, then marked; two relays on one SQLite file may both
publish a row, and JetStream drops the copy (``Nats-Msg-Id`` is the envelope id).
Consumers are idempotent besides, so a re-publish after the de-duplication
window (a crash between publish and mark) still takes effect once.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from datetime import UTC, datetime, timedelta

from prometheus_client import CollectorRegistry
from sqlalchemy import delete, func, select, update
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncSession

from runnerly_kit.db import Database
from runnerly_kit.events._metrics import event_metrics
from runnerly_kit.events.broker import Broker, BrokerUnavailable, backoff_delay
from runnerly_kit.events.outbox import register_relay, unregister_relay
from runnerly_kit.events.tables import outbox_table as outbox
from runnerly_kit.events.types import Envelope
from runnerly_kit.logs import get_logger
from runnerly_kit.tasks import cancel_and_wait

_log = get_logger("runnerly.events.relay")


class OutboxRelay:
    """Publishes a database's outbox: woken after each commit, polling as a safety net."""

    def __init__(
        self,
        database: Database,
        broker: Broker,
        *,
        registry: CollectorRegistry,
        batch_size: int = 100,
        poll_interval: float = 1.0,
        max_backoff: float = 10.0,
        retention: float = 86_400.0,
        cleanup_interval: float = 300.0,
    ) -> None:
        self._db = database
        self._broker = broker
        self._metrics = event_metrics(registry)
        self._batch_size = batch_size
        self._poll_interval = poll_interval
        self._max_backoff = max_backoff
        self._retention = timedelta(seconds=retention)
        self._cleanup_interval = cleanup_interval
        self._wake = asyncio.Event()
        self._stopped = asyncio.Event()
        self._task: asyncio.Task[None] | None = None
        #: Unpublished events at the last count (None until first counted).
        self.pending: int | None = None
        self._oldest_pending: datetime | None = None
        # Computed when scraped, so the lag grows while the broker is away.
        self._metrics.outbox_lag.set_function(self.lag_seconds)

    def lag_seconds(self) -> float:
        """Age of the oldest unpublished event at the last count; 0 when there was none."""
        if self._oldest_pending is None:
            return 0.0
        return max(0.0, (datetime.now(UTC) - self._oldest_pending).total_seconds())

    def start(self) -> None:
        """Start relaying in the background (inside the running event loop)."""
        register_relay(self._db, self)
        self._task = asyncio.create_task(self._run(), name="outbox-relay")

    def wake(self) -> None:
        """Publish now rather than at the next poll (called after a commit that wrote events)."""
        self._wake.set()

    async def stop(self, *, flush_timeout: float) -> None:
        """Stop, first publishing what is pending for up to ``flush_timeout`` seconds.

        The final flush always runs, even when the background loop was busy
        (it gets the time that is left, and at least half of it). If the broker
        is unreachable the rows stay in the outbox for the next relay to start
        (or another replica) to publish; nothing is lost.
        """
        self._stopped.set()
        self._wake.set()
        unregister_relay(self._db, self)
        loop = asyncio.get_running_loop()
        deadline = loop.time() + flush_timeout
        if self._task is not None:
            # The loop ends at its next check of _stopped; a publish stuck on a
            # slow broker must not eat the whole flush.
            done, _ = await asyncio.wait([self._task], timeout=flush_timeout / 2)
            if not done:
                await cancel_and_wait(self._task)
        flushed = 0
        try:
            async with asyncio.timeout_at(max(deadline, loop.time() + flush_timeout / 2)):
                while (published := await self._publish_batch()) > 0:
                    flushed += published
        except (BrokerUnavailable, SQLAlchemyError, OSError, TimeoutError) as exc:
            _log.warning("outbox_not_flushed", reason=f"{type(exc).__name__}: {exc}")
        with contextlib.suppress(SQLAlchemyError, OSError):
            await self._update_gauges()
        _log.info("outbox_flushed", published=flushed, pending=self.pending)

    async def _run(self) -> None:
        failures = 0
        next_cleanup = time.monotonic() + self._cleanup_interval
        while not self._stopped.is_set():
            # Cleared before reading, so a commit during the batch wakes the next round.
            self._wake.clear()
            try:
                published = await self._publish_batch()
                if time.monotonic() >= next_cleanup:
                    next_cleanup = time.monotonic() + self._cleanup_interval
                    await self._delete_old()
                if published < self._batch_size:
                    await self._update_gauges()
            except Exception as exc:  # broker or database away (or a bug): keep the relay alive
                failures += 1
                expected = isinstance(exc, BrokerUnavailable | SQLAlchemyError | OSError)
                if isinstance(exc, BrokerUnavailable):
                    self._metrics.publish_failures.inc()
                # The outbox grows while the broker is away: keep its count true.
                with contextlib.suppress(SQLAlchemyError, OSError):
                    await self._update_gauges()
                if failures == 1:
                    _log.warning(
                        "outbox_relay_waiting",
                        reason=f"{type(exc).__name__}: {exc}",
                        exc_info=not expected,
                    )
                # A wake-up does not cut a backoff short: it would hammer a dead broker.
                delay = backoff_delay(failures, base=0.2, cap=self._max_backoff)
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(delay):  # not wait_for: see doorbell.Doorbell.wait
                        await self._stopped.wait()
                continue
            if failures:
                _log.info("outbox_relay_resumed", failed_attempts=failures)
                failures = 0
            if published < self._batch_size:
                with contextlib.suppress(TimeoutError):
                    async with asyncio.timeout(
                        self._poll_interval
                    ):  # not wait_for: see doorbell.Doorbell.wait
                        await self._wake.wait()

    async def _publish_batch(self) -> int:
        """Publish one batch of unpublished rows in order; return how many were tried."""
        if self._db.is_sqlite:
            async with self._db.transaction(write=False) as session:
                rows = await self._pending(session, lock=False)
            published, error = await self._publish_rows(rows)
            if published:
                async with self._db.transaction() as session:
                    await self._mark(session, published)
        else:
            async with self._db.transaction() as session:
                rows = await self._pending(session, lock=True)
                published, error = await self._publish_rows(rows)
                if published:
                    await self._mark(session, published)
        # Raised only now, so what was published is marked (committed) first.
        if error is not None:
            raise error
        return len(rows)

    async def _pending(self, session: AsyncSession, *, lock: bool) -> list[tuple[int, str]]:
        query = (
            select(outbox.c.seq, outbox.c.envelope)
            .where(outbox.c.published_at.is_(None))
            .order_by(outbox.c.seq)
            .limit(self._batch_size)
        )
        if lock:
            query = query.with_for_update(skip_locked=True)
        return [(row.seq, row.envelope) for row in await session.execute(query)]

    async def _publish_rows(
        self, rows: list[tuple[int, str]]
    ) -> tuple[list[int], BrokerUnavailable | None]:
        published: list[int] = []
        for seq, raw in rows:
            envelope = Envelope.model_validate_json(raw)
            try:
                stored = await self._broker.publish(envelope)
            except BrokerUnavailable as exc:
                # Stop at the first failure, so events leave in the order they were committed.
                return published, exc
            if stored:
                self._metrics.published.labels(envelope.type).inc()
            else:
                self._metrics.publish_duplicates.inc()
            published.append(seq)
        return published, None

    async def _mark(self, session: AsyncSession, seqs: list[int]) -> None:
        await session.execute(
            update(outbox)
            .where(outbox.c.seq.in_(seqs), outbox.c.published_at.is_(None))
            .values(published_at=datetime.now(UTC))
        )

    async def _update_gauges(self) -> None:
        async with self._db.transaction(write=False) as session:
            query = select(func.count(), func.min(outbox.c.created_at)).where(
                outbox.c.published_at.is_(None)
            )
            pending, oldest = (await session.execute(query)).one()
        self._metrics.outbox_pending.set(pending)
        self.pending = pending
        # SQLite hands back naive datetimes; the kit writes them in UTC.
        if oldest is not None and oldest.tzinfo is None:
            oldest = oldest.replace(tzinfo=UTC)
        self._oldest_pending = oldest

    async def _delete_old(self) -> None:
        cutoff = datetime.now(UTC) - self._retention
        async with self._db.transaction() as session:
            await session.execute(delete(outbox).where(outbox.c.published_at < cutoff))
