"""The transactional outbox and its relay: published after commit, once, whatever happens."""

from __future__ import annotations

import pytest
from nats.aio.client import Client
from prometheus_client import CollectorRegistry
from sqlalchemy import select

from runnerly_kit.db import Database
from runnerly_kit.events import (
    EVENTS_STREAM,
    Envelope,
    NatsBroker,
    OutboxRelay,
    event_subject,
    record_event,
)
from runnerly_kit.events.tables import outbox_table
from runnerly_kit.testing.nats import NatsServer
from runnerly_kit.testing.plugin import TestDatabase

from .support import (
    RunCreated,
    UserDeleted,
    eventually,
    sample,
    stream_messages,
    total,
    unpublished,
)

# Long enough that only the after-commit wake-up can explain a prompt publish.
NO_POLLING = 3600.0


async def _record(database: Database, user_id: str) -> Envelope:
    async with database.transaction() as session:
        return record_event(session, UserDeleted(user_id=user_id), source="users", subject=user_id)


async def test_an_event_rolled_back_with_its_change_is_never_published(
    database: Database, broker: NatsBroker, nats_client: Client
) -> None:
    """record_event belongs to the caller's transaction: a rollback leaves no row and no message."""
    relay = OutboxRelay(database, broker, registry=CollectorRegistry(), poll_interval=NO_POLLING)
    relay.start()
    try:

        async def failing_change() -> None:
            async with database.transaction() as session:
                record_event(session, UserDeleted(user_id="gone"), source="users")
                raise RuntimeError("change failed")

        with pytest.raises(RuntimeError, match="change failed"):
            await failing_change()
        kept = await _record(database, "kept")
        # Published in commit order, so the rolled-back event would have come first.
        await eventually(lambda: _count_is(nats_client, 1), what="one event published")
    finally:
        await relay.stop(flush_timeout=5)
    stored = await nats_client.jetstream().get_last_msg(EVENTS_STREAM, event_subject(kept.type))
    assert Envelope.from_bytes(stored.data or b"").id == kept.id
    async with database.transaction(write=False) as session:
        ids = (await session.scalars(select(outbox_table.c.id))).all()
    assert ids == [kept.id]


async def _count_is(client: Client, expected: int) -> bool:
    return await stream_messages(client) == expected


async def test_a_committed_event_is_published_once_right_after_the_commit(
    database: Database, broker: NatsBroker, nats_client: Client
) -> None:
    """The commit wakes the relay; each event is stored once, with its id, and its row marked."""
    registry = CollectorRegistry()
    relay = OutboxRelay(database, broker, registry=registry, poll_interval=NO_POLLING)
    relay.start()
    envelopes = []
    try:
        for run in ("r1", "r2"):
            async with database.transaction() as session:
                envelopes.append(
                    record_event(
                        session,
                        RunCreated(run_id=run, distance_m=5000),
                        source="runs",
                        subject="u1",
                    )
                )
            # The relay idles (no polling) after the first; only the commit can wake it.
            await eventually(lambda: _none_pending(database), what="outbox drained")
    finally:
        await relay.stop(flush_timeout=5)
    assert await stream_messages(nats_client) == 2
    stored = await nats_client.jetstream().get_last_msg(EVENTS_STREAM, "events.runs.run.created.v1")
    assert Envelope.from_bytes(stored.data or b"") == envelopes[-1]
    assert (stored.headers or {})["Nats-Msg-Id"] == str(envelopes[-1].id)
    assert sample(registry, "events_published_total", type="runs.run.created.v1") == 2
    assert sample(registry, "outbox_pending") == 0


async def _none_pending(database: Database) -> bool:
    return await unpublished(database) == 0


async def test_an_event_written_while_the_broker_is_down_is_published_when_it_returns(
    database: Database, own_nats_server: NatsServer, nats_client: Client
) -> None:
    """During an outage the relay backs off; once NATS is back, the event goes out exactly once."""
    registry = CollectorRegistry()
    broker = NatsBroker(own_nats_server.url, client_name="test", reconnect_wait=0.1)
    await broker.start()
    relay = OutboxRelay(
        database, broker, registry=registry, poll_interval=NO_POLLING, max_backoff=0.5
    )
    relay.start()
    try:
        own_nats_server.stop()
        await _record(database, "u1")

        async def relay_saw_the_outage() -> bool:
            return sample(registry, "events_publish_failures_total") >= 1

        await eventually(relay_saw_the_outage, what="a failed publish")
        assert await unpublished(database) == 1
        own_nats_server.start()
        await eventually(lambda: _none_pending(database), what="outbox drained")
    finally:
        await relay.stop(flush_timeout=5)
        await broker.close()
    assert await stream_messages(nats_client) == 1


async def test_two_relays_on_one_database_publish_each_event_once(
    test_database: TestDatabase,
    database: Database,
    own_nats_server: NatsServer,
    nats_client: Client,
) -> None:
    """Two replicas' relays share one outbox: every event is stored once, none is lost."""
    for index in range(40):
        await _record(database, f"u{index}")
    replicas = []
    for name in ("a", "b"):
        db = test_database.open()
        broker = NatsBroker(own_nats_server.url, client_name=name)
        await broker.start()
        registry = CollectorRegistry()
        relay = OutboxRelay(db, broker, registry=registry, batch_size=5, poll_interval=0.05)
        replicas.append((db, broker, registry, relay))
    for *_, relay in replicas:
        relay.start()
    try:
        await eventually(lambda: _none_pending(database), what="outbox drained")
    finally:
        for db, broker, _, relay in replicas:
            await relay.stop(flush_timeout=5)
            await broker.close()
            await db.dispose()
    assert await stream_messages(nats_client) == 40
    # Duplicates JetStream recognised are not counted as published.
    registries = [registry for _, _, registry, _ in replicas]
    assert sum(total(registry, "events_published_total") for registry in registries) == 40
    if test_database.backend == "postgres":
        # SKIP LOCKED splits the rows: neither relay even tried another's events.
        assert sum(total(r, "events_publish_duplicates_total") for r in registries) == 0


async def test_stopping_the_relay_flushes_what_is_pending(
    test_database: TestDatabase, database: Database, broker: NatsBroker, nats_client: Client
) -> None:
    """Graceful shutdown publishes events committed elsewhere that the relay was not woken for."""
    relay = OutboxRelay(database, broker, registry=CollectorRegistry(), poll_interval=NO_POLLING)
    relay.start()
    await _record(database, "first")
    await eventually(lambda: _none_pending(database), what="first event published")
    # Another replica's commits: they wake that replica's relay, not this one.
    other_replica = test_database.open()
    try:
        for index in range(5):
            await _record(other_replica, f"u{index}")
    finally:
        await other_replica.dispose()
    assert await unpublished(database) == 5
    await relay.stop(flush_timeout=10)
    assert await unpublished(database) == 0
    assert await stream_messages(nats_client) == 6
