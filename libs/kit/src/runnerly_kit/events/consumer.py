"""Consuming events: at-least-once delivery, exactly-once effect.

A service declares what it reacts to::

    user_purge = EventHandlers("tokendealer-user-purge")

    @user_purge.on(UserDeleted)
    async def forget_user(session: AsyncSession, envelope: Envelope, data: UserDeleted) -> None:
        await tokens.revoke_all(session, data.user_id)

and lists ``user_purge`` in its ServiceDefinition. For each delivery the
:class:`Consumer` opens one write transaction, records ``(consumer, event id)``
in ``applied_events`` and runs the handler; the record and the handler's
changes commit together, then the delivery is acked. A redelivered event finds
its record and is acked without running the handler again. A failing handler
is retried with a growing delay; after ``max_deliver`` deliveries the event is
dead-lettered. Replicas bind to the same durable consumer and share its work.
"""

from __future__ import annotations

import asyncio
import contextlib
import re
import time
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, TypeVar

import structlog
from opentelemetry.trace import SpanKind
from prometheus_client import CollectorRegistry
from pydantic import ValidationError
from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from runnerly_kit.context import current_request_id, set_request_id
from runnerly_kit.db import Database
from runnerly_kit.events._metrics import event_metrics
from runnerly_kit.events.broker import (
    Broker,
    BrokerUnavailable,
    DeadLetter,
    Delivery,
    Subscription,
    backoff_delay,
)
from runnerly_kit.events.tables import applied_events_table as applied
from runnerly_kit.events.types import Envelope, EventData
from runnerly_kit.logs import get_logger
from runnerly_kit.tasks import cancel_and_wait
from runnerly_kit.tracing import extract, tracer

E = TypeVar("E", bound=EventData)
Handler = Callable[[AsyncSession, Envelope, E], Awaitable[None]]

_CONSUMER_NAME = re.compile(r"^[A-Za-z0-9_-]{1,100}$")
_log = get_logger("runnerly.events.consumer")


@dataclass(frozen=True)
class _Route:
    event_cls: type[EventData]
    handler: Handler[Any]


class EventHandlers:
    """The handlers of one named durable consumer, one per event type."""

    def __init__(self, consumer: str) -> None:
        if not _CONSUMER_NAME.match(consumer):
            raise ValueError(f"invalid consumer name {consumer!r}: use letters, digits, - and _")
        self.consumer = consumer
        self._routes: dict[str, _Route] = {}

    def on(self, event_cls: type[E]) -> Callable[[Handler[E]], Handler[E]]:
        """Register the decorated coroutine as the handler of ``event_cls``."""

        def register(handler: Handler[E]) -> Handler[E]:
            if event_cls.event_type in self._routes:
                raise ValueError(f"{self.consumer} already handles {event_cls.event_type}")
            self._routes[event_cls.event_type] = _Route(event_cls, handler)
            return handler

        return register

    @property
    def event_types(self) -> list[str]:
        """The event types handled, which the durable consumer is filtered on."""
        return sorted(self._routes)

    def route(self, event_type: str) -> _Route | None:
        """The handler registered for ``event_type``, if any."""
        return self._routes.get(event_type)


class Consumer:
    """Runs one :class:`EventHandlers` against the broker, on a database, until stopped."""

    def __init__(
        self,
        handlers: EventHandlers,
        database: Database,
        broker: Broker | None,
        *,
        registry: CollectorRegistry,
        service: str,
        max_deliver: int = 5,
        ack_wait: float = 30.0,
        retry_delay: float = 1.0,
        max_retry_delay: float = 60.0,
        batch_size: int = 10,
        fetch_timeout: float = 5.0,
        max_backoff: float = 10.0,
        applied_retention: float = 30 * 86_400.0,
    ) -> None:
        self.handlers = handlers
        self.name = handlers.consumer
        self._db = database
        self._broker = broker
        self._metrics = event_metrics(registry)
        self._service = service
        self._max_deliver = max_deliver
        self._ack_wait = ack_wait
        self._retry_delay = retry_delay
        self._max_retry_delay = max_retry_delay
        self._batch_size = batch_size
        self._fetch_timeout = fetch_timeout
        self._max_backoff = max_backoff
        self._applied_retention = timedelta(seconds=applied_retention)
        self._task: asyncio.Task[None] | None = None
        self._stopping = asyncio.Event()
        # True while only waiting (for messages or a backoff): stop() may cancel then.
        self._idle = False

    def start(self) -> None:
        """Start consuming in the background (inside the running event loop)."""
        if self._broker is None or not self.handlers.event_types:
            _log.warning("consumer_not_started", consumer=self.name, reason="no broker or handlers")
            return
        self._task = asyncio.create_task(self._run(self._broker), name=f"consumer-{self.name}")

    async def stop(self, *, grace: float = 30.0) -> None:
        """Finish the event in hand, hand back the rest of the batch, and stop.

        A handler still running after ``grace`` seconds is cancelled; its
        transaction rolls back and the event is redelivered (to another replica).
        """
        self._stopping.set()
        if self._task is None:
            return
        if self._idle:
            self._task.cancel()
        # asyncio.wait (not wait_for, which can swallow a cancellation on 3.11)
        # waits for the task without cancelling it.
        await asyncio.wait([self._task], timeout=grace)
        await cancel_and_wait(self._task)

    async def _run(self, broker: Broker) -> None:
        subscription: Subscription | None = None
        failures = 0
        next_prune = time.monotonic()
        try:
            while not self._stopping.is_set():
                try:
                    if subscription is None:
                        subscription = await broker.subscribe(
                            self.name, self.handlers.event_types, ack_wait=self._ack_wait
                        )
                    if time.monotonic() >= next_prune:
                        next_prune = time.monotonic() + 3600
                        await self._prune_applied()
                    await self._consume_batch(subscription)
                except Exception as exc:  # the broker or the database is away: wait, re-bind
                    failures += 1
                    if failures == 1:
                        _log.warning(
                            "consumer_waiting",
                            consumer=self.name,
                            reason=f"{type(exc).__name__}: {exc}",
                            exc_info=not isinstance(exc, BrokerUnavailable),
                        )
                    if subscription is not None:
                        await subscription.close()
                        subscription = None
                    self._idle = True
                    await asyncio.sleep(backoff_delay(failures, base=0.2, cap=self._max_backoff))
                    self._idle = False
                    continue
                if failures:
                    _log.info("consumer_resumed", consumer=self.name)
                    failures = 0
        finally:
            if subscription is not None:
                await subscription.close()

    async def _consume_batch(self, subscription: Subscription) -> None:
        self._idle = True
        deliveries = await subscription.fetch(self._batch_size, max_wait=self._fetch_timeout)
        self._idle = False
        for index, delivery in enumerate(deliveries):
            if self._stopping.is_set():
                # Another replica can take these now rather than after ack_wait.
                for rest in deliveries[index:]:
                    await rest.retry(0)
                return
            await self._handle(delivery)

    async def _handle(self, delivery: Delivery) -> None:
        try:
            envelope = Envelope.from_bytes(delivery.body)
        except ValidationError as exc:
            # Unreadable now means unreadable forever: retrying would only delay the operator.
            await self._dead_letter(delivery, "unknown", f"invalid envelope: {exc}")
            return
        route = self.handlers.route(envelope.type)
        if route is None:
            await delivery.ack()  # the consumer's filter changed under this delivery
            return
        with _bound_to(envelope, self.name):
            await self._apply(delivery, envelope, route)

    async def _apply(self, delivery: Delivery, envelope: Envelope, route: _Route) -> None:
        labels = (self.name, envelope.type)
        try:
            data: EventData = envelope.payload(route.event_cls)
        except ValidationError as exc:
            await self._dead_letter(delivery, envelope.type, f"invalid payload: {exc}")
            return
        if delivery.attempt > self._max_deliver:
            # Reached after a crash mid-handler or a failed dead-lettering: stop trying.
            await self._dead_letter(delivery, envelope.type, "delivered too many times")
            return
        try:
            async with self._db.transaction() as session:
                first_time = await self._claim(session, envelope.id)
                if first_time:
                    await route.handler(session, envelope, data)
        except Exception as exc:  # a handler's failure of any kind is retried or parked
            self._metrics.failed.labels(*labels).inc()
            if delivery.attempt >= self._max_deliver:
                await self._dead_letter(delivery, envelope.type, f"{type(exc).__name__}: {exc}")
                return
            _log.warning("event_handler_failed", attempt=delivery.attempt, exc_info=True)
            delay = backoff_delay(
                delivery.attempt, base=self._retry_delay, cap=self._max_retry_delay
            )
            await delivery.retry(delay)
            return
        # After the commit: a lost ack means a redelivery that finds the applied record.
        await delivery.ack()
        counter = self._metrics.consumed if first_time else self._metrics.duplicates
        counter.labels(*labels).inc()

    async def _claim(self, session: AsyncSession, event_id: uuid.UUID) -> bool:
        """Record the event as applied by this consumer; False if it already was."""
        dialect = postgresql if self._db.engine.dialect.name == "postgresql" else sqlite
        # ON CONFLICT DO NOTHING keeps the transaction usable on a duplicate; on
        # PostgreSQL a concurrent claim of the same id waits for the first to finish.
        statement = (
            dialect.insert(applied)
            .values(consumer=self.name, event_id=event_id, applied_at=datetime.now(UTC))
            .on_conflict_do_nothing()
            .returning(applied.c.event_id)
        )
        return (await session.execute(statement)).first() is not None

    async def _dead_letter(self, delivery: Delivery, event_type: str, error: str) -> None:
        await delivery.dead_letter(DeadLetter(self.name, error, delivery.attempt))
        self._metrics.dead_lettered.labels(self.name, event_type).inc()
        _log.error(
            "event_dead_lettered",
            service=self._service,
            consumer=self.name,
            event_type=event_type,
            deliveries=delivery.attempt,
            error=error,
        )

    async def _prune_applied(self) -> None:
        # Far older than the stream keeps events, so no redelivery can need them.
        cutoff = datetime.now(UTC) - self._applied_retention
        async with self._db.transaction() as session:
            await session.execute(
                delete(applied).where(
                    applied.c.consumer == self.name, applied.c.applied_at < cutoff
                )
            )


@contextlib.contextmanager
def _bound_to(envelope: Envelope, consumer: str) -> Iterator[None]:
    """Handle an event in the request id, trace and log context of the change that caused it."""
    previous = current_request_id()
    set_request_id(envelope.request_id)
    try:
        with (
            structlog.contextvars.bound_contextvars(
                request_id=envelope.request_id,
                event_id=str(envelope.id),
                event_type=envelope.type,
                consumer=consumer,
            ),
            tracer().start_as_current_span(
                f"{consumer} process {envelope.type}",
                context=extract(envelope.trace),
                kind=SpanKind.CONSUMER,
            ),
        ):
            yield
    finally:
        set_request_id(previous)
