"""Consumers: every event takes effect once, across redeliveries, replicas and outages."""

from __future__ import annotations

import contextlib
import uuid

import nats
import structlog
from nats.aio.client import Client
from nats.js.api import ConsumerInfo
from nats.js.errors import NotFoundError
from prometheus_client import CollectorRegistry
from sqlalchemy.ext.asyncio import AsyncSession

from runnerly_kit.context import current_request_id, set_request_id
from runnerly_kit.db import Database
from runnerly_kit.events import (
    DLQ_STREAM,
    EVENTS_STREAM,
    Consumer,
    Envelope,
    EventHandlers,
    NatsBroker,
    OutboxRelay,
    dead_letter_subject,
    event_subject,
    record_event,
)
from runnerly_kit.testing.nats import NatsServer
from runnerly_kit.testing.plugin import TestDatabase

from .support import (
    UserDeleted,
    effect_rows,
    eventually,
    record_effect,
    sample,
    stream_messages,
    total,
)


def _recording_handlers(consumer: str, worker: str) -> EventHandlers:
    handlers = EventHandlers(consumer)

    @handlers.on(UserDeleted)
    async def forget(session: AsyncSession, envelope: Envelope, data: UserDeleted) -> None:
        await record_effect(session, envelope.id, worker, current_request_id())

    return handlers


#: Events a replica fetches at once in the two-replica test.
BATCH = 5


def _consumer(
    handlers: EventHandlers,
    database: Database,
    broker: NatsBroker,
    registry: CollectorRegistry,
    **options: float,
) -> Consumer:
    return Consumer(
        handlers,
        database,
        broker,
        registry=registry,
        service="test",
        fetch_timeout=0.5,
        retry_delay=0.01,
        max_backoff=0.5,
        **options,  # type: ignore[arg-type]
    )


async def _true_if(value: bool) -> bool:
    return value


async def _rows_are(database: Database, expected: int) -> bool:
    return len(await effect_rows(database)) == expected


async def test_an_event_delivered_twice_takes_effect_once(
    database: Database, broker: NatsBroker, nats_client: Client
) -> None:
    """The same envelope stored twice (past the broker's de-duplication) changes things once."""
    registry = CollectorRegistry()
    envelope = Envelope.wrap(UserDeleted(user_id="u1"), source="users", subject="u1")
    for copy in range(2):
        await nats_client.jetstream().publish(
            event_subject(envelope.type),
            envelope.to_bytes(),
            headers={"Nats-Msg-Id": f"{envelope.id}-{copy}"},
        )
    consumer = _consumer(_recording_handlers("purge", "a"), database, broker, registry)
    consumer.start()
    try:

        async def both_settled() -> bool:
            consumed = sample(
                registry, "events_consumed_total", consumer="purge", type=envelope.type
            )
            skipped = sample(
                registry, "events_duplicates_total", consumer="purge", type=envelope.type
            )
            return consumed + skipped == 2

        await eventually(both_settled, what="both deliveries settled")
    finally:
        await consumer.stop()
    assert [event_id for event_id, *_ in await effect_rows(database)] == [envelope.id]
    assert sample(registry, "events_duplicates_total", consumer="purge", type=envelope.type) == 1
    info = await nats_client.jetstream().consumer_info("RUNNERLY_EVENTS", "purge")
    assert (info.num_pending, info.num_ack_pending) == (0, 0)


async def test_an_event_flows_from_commit_to_handler_with_its_request_id(
    database: Database, broker: NatsBroker
) -> None:
    """Outbox, relay and consumer end to end; the handler runs in the causing request's context."""
    registry = CollectorRegistry()
    seen_logs: list[dict[str, object]] = []
    handlers = EventHandlers("purge")

    @handlers.on(UserDeleted)
    async def forget(session: AsyncSession, envelope: Envelope, data: UserDeleted) -> None:
        seen_logs.append(structlog.contextvars.get_contextvars())
        await record_effect(session, envelope.id, data.user_id, current_request_id())

    relay = OutboxRelay(database, broker, registry=registry)
    consumer = _consumer(handlers, database, broker, registry)
    relay.start()
    consumer.start()
    try:
        set_request_id("req-delete-u7")
        async with database.transaction() as session:
            envelope = record_event(session, UserDeleted(user_id="u7"), source="users")
        set_request_id(None)
        await eventually(lambda: _rows_are(database, 1), what="the event handled")
    finally:
        await consumer.stop()
        await relay.stop(flush_timeout=5)
    assert await effect_rows(database) == [(envelope.id, "u7", "req-delete-u7")]
    assert seen_logs[0]["request_id"] == "req-delete-u7"
    assert seen_logs[0]["event_id"] == str(envelope.id)


async def test_two_replicas_share_a_durable_consumer_and_apply_each_event_once(
    test_database: TestDatabase,
    database: Database,
    own_nats_server: NatsServer,
    broker: NatsBroker,
) -> None:
    """Two Consumers with one durable name split the events; each event takes effect once."""
    observer = await nats.connect(own_nats_server.url)
    jetstream = observer.jetstream()
    holder: list[str] = []

    async def consumer_state() -> ConsumerInfo | None:
        with contextlib.suppress(NotFoundError):  # not bound by either replica yet
            info: ConsumerInfo = await jetstream.consumer_info(EVENTS_STREAM, "purge")
            return info
        return None

    async def delivered_to_the_other_replica() -> bool:
        # The holder was handed the only event there was, and fetches nothing while it
        # holds it: any further delivery went to the other replica.
        info = await consumer_state()
        delivered = info.delivered if info is not None else None
        return delivered is not None and (delivered.consumer_seq or 0) > 1

    def replica_handlers(worker: str) -> EventHandlers:
        handlers = EventHandlers("purge")

        @handlers.on(UserDeleted)
        async def forget(session: AsyncSession, envelope: Envelope, data: UserDeleted) -> None:
            if not holder:
                # The replica handed the first event holds it until the other has been
                # handed events of its own: both then apply some, whatever the machine's
                # speed. (It waits on deliveries, not on the other's handler, which on
                # SQLite waits for the write lock this transaction holds.)
                holder.append(worker)
                await eventually(delivered_to_the_other_replica, what="the other replica's share")
            await record_effect(session, envelope.id, worker)

        return handlers

    replicas = []
    for worker in ("a", "b"):
        db = test_database.open()
        replica_broker = NatsBroker(own_nats_server.url, client_name=worker)
        await replica_broker.start()
        registry = CollectorRegistry()
        consumer = _consumer(
            replica_handlers(worker), db, replica_broker, registry, batch_size=BATCH
        )
        replicas.append((db, replica_broker, registry, consumer))
    for *_, consumer in replicas:
        consumer.start()

    async def both_replicas_fetching() -> bool:
        # Past their start-up (which prunes old applied events: a write that, on SQLite,
        # would wait behind the holder's transaction), both are waiting on a fetch.
        info = await consumer_state()
        return info is not None and (info.num_waiting or 0) >= len(replicas)

    try:
        await eventually(both_replicas_fetching, what="both replicas fetching")
        envelopes = [Envelope.wrap(UserDeleted(user_id=f"u{i}"), source="users") for i in range(40)]
        # One event first: one replica takes it and holds it; then the rest, which only
        # the other replica is fetching until the holder lets go.
        await broker.publish(envelopes[0])
        await eventually(lambda: _true_if(bool(holder)), what="a replica holding the first event")
        for envelope in envelopes[1:]:
            await broker.publish(envelope)
        await eventually(lambda: _rows_are(database, 40), what="all events handled")
    finally:
        for db, replica_broker, _, consumer in replicas:
            await consumer.stop()
            await replica_broker.close()
            await db.dispose()
        await observer.close()
    rows = await effect_rows(database)
    assert sorted(str(event_id) for event_id, *_ in rows) == sorted(str(e.id) for e in envelopes)
    assert {worker for _, worker, _ in rows} == {"a", "b"}
    assert sum(total(registry, "events_consumed_total") for _, _, registry, _ in replicas) == 40


async def test_a_handler_that_always_fails_is_dead_lettered_after_max_deliver(
    database: Database, broker: NatsBroker, nats_client: Client
) -> None:
    """A failing event is tried max_deliver times, then parked on dlq.<consumer>.<type>."""
    registry = CollectorRegistry()
    attempts: list[uuid.UUID] = []
    handlers = EventHandlers("purge")

    @handlers.on(UserDeleted)
    async def broken(session: AsyncSession, envelope: Envelope, data: UserDeleted) -> None:
        attempts.append(envelope.id)
        await record_effect(session, envelope.id, "broken")
        raise RuntimeError("the mail server said no")

    consumer = _consumer(handlers, database, broker, registry, max_deliver=3)
    consumer.start()
    envelope = Envelope.wrap(UserDeleted(user_id="u1"), source="users")
    try:
        await broker.publish(envelope)

        async def parked() -> bool:
            return await stream_messages(nats_client, DLQ_STREAM) == 1

        await eventually(parked, what="a dead letter")
    finally:
        await consumer.stop()
    assert attempts == [envelope.id] * 3
    assert await effect_rows(database) == []  # each failed attempt was rolled back
    dead = await nats_client.jetstream().get_last_msg(
        DLQ_STREAM, dead_letter_subject("purge", envelope.type)
    )
    assert Envelope.from_bytes(dead.data or b"") == envelope
    headers = dead.headers or {}
    assert headers["Runnerly-Dead-Letter-Error"] == "RuntimeError: the mail server said no"
    assert headers["Runnerly-Dead-Letter-Deliveries"] == "3"
    labels = {"consumer": "purge", "type": envelope.type}
    assert sample(registry, "events_failed_total", **labels) == 3
    assert sample(registry, "events_dead_lettered_total", **labels) == 1


async def test_an_unreadable_message_is_dead_lettered_at_once(
    database: Database, broker: NatsBroker, nats_client: Client
) -> None:
    """A message that is not an envelope cannot succeed later, so it is parked on first sight."""
    registry = CollectorRegistry()
    consumer = _consumer(_recording_handlers("purge", "a"), database, broker, registry)
    consumer.start()
    try:
        await nats_client.jetstream().publish(event_subject("users.user.deleted.v1"), b"{oops")

        async def parked() -> bool:
            return await stream_messages(nats_client, DLQ_STREAM) == 1

        await eventually(parked, what="a dead letter")
    finally:
        await consumer.stop()
    assert await effect_rows(database) == []
    assert sample(registry, "events_dead_lettered_total", consumer="purge", type="unknown") == 1


async def test_outbox_and_consumer_carry_on_after_a_broker_outage(
    database: Database, own_nats_server: NatsServer, nats_client: Client
) -> None:
    """An event committed while NATS is down is delivered, and handled once, when it returns."""
    registry = CollectorRegistry()
    broker = NatsBroker(own_nats_server.url, client_name="test", reconnect_wait=0.1)
    await broker.start()
    relay = OutboxRelay(database, broker, registry=registry, max_backoff=0.5)
    consumer = _consumer(_recording_handlers("purge", "a"), database, broker, registry)
    relay.start()
    consumer.start()
    try:

        async def consumer_bound() -> bool:
            names = await nats_client.jetstream().consumers_info(EVENTS_STREAM)
            return [info.name for info in names] == ["purge"]

        # A running service meets the outage (not one still setting up its consumer).
        await eventually(consumer_bound, what="the durable consumer")
        own_nats_server.stop()
        async with database.transaction() as session:
            envelope = record_event(session, UserDeleted(user_id="u1"), source="users")
        own_nats_server.start()
        await eventually(lambda: _rows_are(database, 1), what="the event handled")
    finally:
        await consumer.stop()
        await relay.stop(flush_timeout=5)
        await broker.close()
    assert [event_id for event_id, *_ in await effect_rows(database)] == [envelope.id]
    assert await stream_messages(nats_client) == 1
