"""The NATS broker: a service starts without it, and publishes once it is there."""

from __future__ import annotations

import asyncio

import pytest
from nats.aio.client import Client

from runnerly_kit.events import (
    EVENTS_STREAM,
    BrokerUnavailable,
    Envelope,
    NatsBroker,
    event_subject,
)
from runnerly_kit.testing.nats import NatsServer

from .support import UserDeleted, eventually, stream_messages


async def _ready(broker: NatsBroker) -> bool:
    try:
        await broker.ping()
    except BrokerUnavailable:
        return False
    return True


async def test_start_does_not_fail_without_a_server_and_connects_when_it_comes(
    own_nats_server: NatsServer,
) -> None:
    """With no server, start() returns, ping() and publish() raise; later the broker connects."""
    own_nats_server.stop()
    broker = NatsBroker(
        own_nats_server.url, client_name="test", connect_timeout=0.2, reconnect_wait=0.1
    )
    try:
        await broker.start()
        with pytest.raises(BrokerUnavailable):
            await broker.ping()
        with pytest.raises(BrokerUnavailable):
            await broker.publish(Envelope.wrap(UserDeleted(user_id="u1"), source="users"))
        own_nats_server.start()
        await eventually(lambda: _ready(broker), what="broker ready")
        assert await broker.publish(Envelope.wrap(UserDeleted(user_id="u1"), source="users"))
    finally:
        await broker.close()


async def test_publish_is_deduplicated_on_the_envelope_id(
    broker: NatsBroker, nats_client: Client
) -> None:
    """Publishing one envelope twice stores it once; the second publish reports a duplicate."""
    envelope = Envelope.wrap(UserDeleted(user_id="u1"), source="users", subject="u1")
    assert await broker.publish(envelope) is True
    assert await broker.publish(envelope) is False
    assert await stream_messages(nats_client) == 1
    stored = await nats_client.jetstream().get_last_msg(
        EVENTS_STREAM, event_subject("users.user.deleted.v1")
    )
    assert Envelope.from_bytes(stored.data or b"") == envelope
    assert (stored.headers or {})["Nats-Msg-Id"] == str(envelope.id)


async def test_two_brokers_set_up_the_streams_side_by_side(own_nats_server: NatsServer) -> None:
    """Two replicas starting at once both end up with working streams (setup is idempotent)."""
    brokers = [NatsBroker(own_nats_server.url, client_name=f"r{i}") for i in range(2)]
    try:
        await asyncio.gather(*(broker.start() for broker in brokers))
        for broker in brokers:
            await broker.ping()
            assert await broker.publish(Envelope.wrap(UserDeleted(user_id="x"), source="users"))
    finally:
        for broker in brokers:
            await broker.close()
