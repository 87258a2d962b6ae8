"""The NATS JetStream backend of :class:`~runnerly_kit.events.broker.Broker`.

Layout on the server (created idempotently by every replica, updated when the
kit changes it):

- stream ``RUNNERLY_EVENTS``: subjects ``events.<type>``, file storage, a
  de-duplication window keyed on ``Nats-Msg-Id`` = envelope id, so a relay's
  re-publish (after a crash, or two relays racing) is stored once;
- stream ``RUNNERLY_DLQ``: subjects ``dlq.<consumer>.<type>``; a dead letter is
  the original envelope, with the reason in ``Runnerly-Dead-Letter-*`` headers,
  so an operator can re-publish it as it is;
- one durable pull consumer per :class:`~runnerly_kit.events.EventHandlers`
  name, filtered on the types it handles, explicit ack, shared by replicas;
- one ephemeral, in-memory, no-ack pull consumer per :meth:`NatsBroker.watch`
  (per process), which the server deletes once it is idle for a while.
"""

from __future__ import annotations

import asyncio
import contextlib
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

import nats.errors
import nats.js.errors
from nats.aio.client import Client
from nats.aio.msg import Msg
from nats.js import JetStreamContext, api

from runnerly_kit.events.broker import BrokerUnavailable, DeadLetter, Delivery, Watched
from runnerly_kit.events.types import Envelope
from runnerly_kit.logs import get_logger

EVENTS_STREAM = "RUNNERLY_EVENTS"
DLQ_STREAM = "RUNNERLY_DLQ"
_DAY = 86_400.0
# JetStream's code for "stream name already in use with a different configuration".
_STREAM_NAME_IN_USE = 10058
_HEADER_LINE_LIMIT = 1000
# An abandoned watch (its process died) is deleted by the server after this long idle.
_WATCH_INACTIVE_THRESHOLD = 60.0
# Everything nats-py raises when the server is away, slow or refusing.
_BROKER_ERRORS = (nats.errors.Error, asyncio.TimeoutError, OSError)

_log = get_logger("runnerly.events.nats")


def event_subject(event_type: str) -> str:
    """The subject an event type is published on."""
    return f"events.{event_type}"


def dead_letter_subject(consumer: str, event_type: str) -> str:
    """The subject a consumer's given-up events of one type are parked on."""
    return f"dlq.{consumer}.{event_type}"


class NatsBroker:
    """A JetStream connection that survives outages: it connects, or keeps trying, meanwhile."""

    def __init__(
        self,
        url: str,
        *,
        client_name: str,
        connect_timeout: float = 2.0,
        reconnect_wait: float = 1.0,
        request_timeout: float = 5.0,
        replicas: int = 1,
        duplicate_window: float = 120.0,
        event_retention: float = 7 * _DAY,
        dead_letter_retention: float = 30 * _DAY,
    ) -> None:
        self.url = url
        self.client_name = client_name
        self._connect_timeout = connect_timeout
        self._reconnect_wait = reconnect_wait
        self._request_timeout = request_timeout
        self._streams = [
            api.StreamConfig(
                name=EVENTS_STREAM,
                subjects=["events.>"],
                storage=api.StorageType.FILE,
                num_replicas=replicas,
                duplicate_window=duplicate_window,
                max_age=event_retention,
            ),
            api.StreamConfig(
                name=DLQ_STREAM,
                subjects=["dlq.>"],
                storage=api.StorageType.FILE,
                num_replicas=replicas,
                duplicate_window=duplicate_window,
                max_age=dead_letter_retention,
            ),
        ]
        self._nc = Client()
        self._js: JetStreamContext = self._nc.jetstream(timeout=request_timeout)
        self._connecting: asyncio.Task[None] | None = None
        self._streams_ready = False
        self._reported_down = False
        #: Bumped on every (re)connection, so subscriptions know to re-bind.
        self.generation = 0

    async def start(self) -> None:
        """Connect, waiting at most ``connect_timeout``; if the server is away, keep trying."""
        self._connecting = asyncio.create_task(self._connect())
        # asyncio.wait leaves the connection attempt running in the background
        # past the timeout (wait_for would cancel it, or swallow our own cancellation).
        done, _ = await asyncio.wait([self._connecting], timeout=self._connect_timeout)
        if not done:
            _log.warning("broker_unreachable", url=self.url, retrying=True)
            return
        self._connecting.result()  # a connection that failed for good (bad options) says why

    async def _connect(self) -> None:
        options: dict[str, Any] = {
            "servers": [self.url],
            "name": self.client_name,
            "connect_timeout": self._connect_timeout,
            "reconnect_time_wait": self._reconnect_wait,
            "max_reconnect_attempts": -1,  # forever, including the first connection
            "error_cb": self._on_error,
            "disconnected_cb": self._on_disconnected,
            "reconnected_cb": self._on_reconnected,
        }
        await self._nc.connect(**options)
        self.generation += 1
        self._reported_down = False
        _log.info("broker_connected", url=self.url)
        with contextlib.suppress(BrokerUnavailable):
            await self._ensure_streams()

    async def _on_error(self, error: Exception) -> None:
        # nats-py reports every failed attempt; one line per outage is enough.
        if not self._reported_down:
            self._reported_down = True
            _log.warning("broker_error", error=f"{type(error).__name__}: {error}")

    async def _on_disconnected(self) -> None:
        if not self._nc.is_closed:
            _log.warning("broker_disconnected", url=self.url)

    async def _on_reconnected(self) -> None:
        self.generation += 1
        self._reported_down = False
        # The server may have come back without our streams (a fresh node); check again.
        self._streams_ready = False
        _log.info("broker_reconnected", url=self.url)

    async def _ensure_streams(self) -> None:
        if self._streams_ready:
            return
        try:
            for config in self._streams:
                try:
                    await self._js.add_stream(config)
                except nats.js.errors.BadRequestError as exc:
                    if exc.err_code != _STREAM_NAME_IN_USE:
                        raise
                    # Another version of the kit created it: converge on ours.
                    await self._js.update_stream(config)
        except _BROKER_ERRORS as exc:
            raise BrokerUnavailable(f"cannot set up JetStream streams: {exc}") from exc
        self._streams_ready = True

    def _require_connection(self) -> None:
        if not self._nc.is_connected:
            raise BrokerUnavailable(f"not connected to NATS at {self.url}")

    async def close(self) -> None:
        """Stop reconnecting, flush what was sent and disconnect."""
        if self._connecting is not None and not self._connecting.done():
            self._connecting.cancel()
            with contextlib.suppress(asyncio.CancelledError, *_BROKER_ERRORS):
                await self._connecting
        if not self._nc.is_closed:
            with contextlib.suppress(*_BROKER_ERRORS):
                await self._nc.close()

    @property
    def is_connected(self) -> bool:
        """Connected to a NATS server right now."""
        return bool(self._nc.is_connected)

    async def ping(self) -> None:
        """Raise :class:`BrokerUnavailable` unless the server answers and the streams exist."""
        self._require_connection()
        try:
            await self._nc.flush(timeout=max(1, round(self._connect_timeout)))
        except _BROKER_ERRORS as exc:
            raise BrokerUnavailable(f"NATS does not answer: {exc}") from exc
        await self._ensure_streams()

    async def publish(self, envelope: Envelope) -> bool:
        """Store ``envelope`` in the events stream; False if JetStream already had its id."""
        self._require_connection()
        await self._ensure_streams()
        try:
            ack = await self._js.publish(
                event_subject(envelope.type),
                envelope.to_bytes(),
                stream=EVENTS_STREAM,
                headers={"Nats-Msg-Id": str(envelope.id)},
            )
        except nats.js.errors.NoStreamResponseError as exc:
            self._streams_ready = False
            raise BrokerUnavailable("the events stream is missing") from exc
        except _BROKER_ERRORS as exc:
            raise BrokerUnavailable(f"publish not acknowledged: {exc}") from exc
        return not ack.duplicate

    async def subscribe(
        self, consumer: str, event_types: Sequence[str], *, ack_wait: float
    ) -> NatsSubscription:
        """Create (or update) the durable pull consumer ``consumer`` and bind to it."""
        self._require_connection()
        await self._ensure_streams()
        config = api.ConsumerConfig(
            name=consumer,
            durable_name=consumer,
            filter_subjects=sorted(event_subject(t) for t in event_types),
            deliver_policy=api.DeliverPolicy.ALL,
            ack_policy=api.AckPolicy.EXPLICIT,
            ack_wait=ack_wait,
            # The consumer counts deliveries and dead-letters itself; a server-side
            # limit would silently drop an event whose dead-lettering failed.
            max_deliver=-1,
        )
        try:
            await self._js.add_consumer(EVENTS_STREAM, config)
            sub = await self._js.pull_subscribe_bind(durable=consumer, stream=EVENTS_STREAM)
        except _BROKER_ERRORS as exc:
            raise BrokerUnavailable(f"cannot bind consumer {consumer}: {exc}") from exc
        return NatsSubscription(self, sub, consumer)

    async def watch(self, event_types: Sequence[str], *, since: datetime) -> NatsWatch:
        """An ephemeral consumer of ``event_types`` from ``since``, for this process alone."""
        self._require_connection()
        await self._ensure_streams()
        config = api.ConsumerConfig(
            filter_subjects=sorted(event_subject(t) for t in event_types),
            deliver_policy=api.DeliverPolicy.BY_START_TIME,
            opt_start_time=since.astimezone(UTC),
            # Nothing to acknowledge: the watcher applies idempotent, in-memory changes.
            ack_policy=api.AckPolicy.NONE,
            inactive_threshold=_WATCH_INACTIVE_THRESHOLD,
            mem_storage=True,
            num_replicas=1,
        )
        try:
            info = await self._js.add_consumer(EVENTS_STREAM, config)
            sub = await self._js.pull_subscribe_bind(consumer=info.name, stream=EVENTS_STREAM)
        except _BROKER_ERRORS as exc:
            raise BrokerUnavailable(f"cannot watch events: {exc}") from exc
        return NatsWatch(self, sub, info.name)

    async def delete_consumer(self, name: str) -> None:
        """Delete a consumer at once (a closed watch), if the server is there to ask."""
        with contextlib.suppress(*_BROKER_ERRORS):
            await self._js.delete_consumer(EVENTS_STREAM, name)

    async def publish_dead_letter(self, msg: Msg, consumer: str, reason: DeadLetter) -> None:
        """Park ``msg`` on ``dlq.<consumer>.<type>`` with ``reason``, then terminate it."""
        self._require_connection()
        await self._ensure_streams()
        event_type = msg.subject.removeprefix("events.")
        headers = {
            # One dead letter per consumer and stream message, however often we try.
            "Nats-Msg-Id": f"{consumer}:{msg.metadata.sequence.stream}",
            "Runnerly-Dead-Letter-Consumer": consumer,
            "Runnerly-Dead-Letter-Deliveries": str(reason.deliveries),
            "Runnerly-Dead-Letter-Error": _header_value(reason.error),
            "Runnerly-Dead-Letter-At": datetime.now(UTC).isoformat(),
            "Runnerly-Original-Subject": msg.subject,
        }
        try:
            await self._js.publish(
                dead_letter_subject(consumer, event_type),
                msg.data,
                stream=DLQ_STREAM,
                headers=headers,
            )
            await msg.term()
        except _BROKER_ERRORS as exc:
            raise BrokerUnavailable(f"cannot dead-letter: {exc}") from exc


def _header_value(text: str) -> str:
    # Header values are one line of limited length.
    return " ".join(text.split())[:_HEADER_LINE_LIMIT]


class _Pull:
    """A pull subscription on a consumer, stale once the connection has been re-made."""

    #: Why a stale subscription must be made again (the server may have lost the consumer).
    stale_reason = "reconnected to NATS; subscribe again"

    def __init__(
        self, broker: NatsBroker, sub: JetStreamContext.PullSubscription, consumer: str
    ) -> None:
        self._broker = broker
        self._sub = sub
        self._consumer = consumer
        self._generation = broker.generation

    async def _messages(self, max_messages: int, max_wait: float) -> list[Msg]:
        if self._generation != self._broker.generation:
            raise BrokerUnavailable(self.stale_reason)
        try:
            return await self._sub.fetch(max_messages, timeout=max_wait)
        except TimeoutError:
            # nats-py raises its own TimeoutError or asyncio's, depending on where the wait
            # ran out; either way nothing arrived (a lost server shows in the generation).
            return []
        except _BROKER_ERRORS as exc:
            raise BrokerUnavailable(f"fetch failed: {type(exc).__name__}: {exc}") from exc


class NatsSubscription(_Pull):
    """A pull subscription on a durable consumer; stale after a reconnection."""

    async def fetch(self, max_messages: int, *, max_wait: float) -> Sequence[Delivery]:
        """Up to ``max_messages`` deliveries; none after ``max_wait`` seconds."""
        messages = await self._messages(max_messages, max_wait)
        return [NatsDelivery(self._broker, msg, self._consumer) for msg in messages]

    async def close(self) -> None:
        """Unsubscribe; the durable consumer and its position stay on the server."""
        with contextlib.suppress(*_BROKER_ERRORS):
            await self._sub.unsubscribe()


class NatsWatch(_Pull):
    """A pull subscription on an ephemeral consumer; lost after a reconnection."""

    stale_reason = "reconnected to NATS; watch again"

    async def fetch(self, max_messages: int, *, max_wait: float) -> Sequence[Watched]:
        """Up to ``max_messages`` events in stream order; none after ``max_wait`` seconds."""
        messages = await self._messages(max_messages, max_wait)
        return [Watched(msg.data, msg.metadata.timestamp) for msg in messages]

    async def close(self) -> None:
        """Unsubscribe and delete the ephemeral consumer."""
        with contextlib.suppress(*_BROKER_ERRORS):
            await self._sub.unsubscribe()
        await self._broker.delete_consumer(self._consumer)


class NatsDelivery:
    """One JetStream message delivered to a durable consumer."""

    def __init__(self, broker: NatsBroker, msg: Msg, consumer: str) -> None:
        self._broker = broker
        self._msg = msg
        self._consumer = consumer

    @property
    def body(self) -> bytes:
        """The envelope's wire form."""
        return self._msg.data

    @property
    def attempt(self) -> int:
        """JetStream's delivery count for this message and consumer."""
        return self._msg.metadata.num_delivered

    async def ack(self) -> None:
        """Acknowledge: done for good."""
        try:
            await self._msg.ack()
        except _BROKER_ERRORS as exc:
            raise BrokerUnavailable(f"ack failed: {exc}") from exc

    async def retry(self, delay: float) -> None:
        """Negative-acknowledge with a redelivery delay."""
        try:
            await self._msg.nak(delay=delay)
        except _BROKER_ERRORS as exc:
            raise BrokerUnavailable(f"nak failed: {exc}") from exc

    async def dead_letter(self, reason: DeadLetter) -> None:
        """Publish to ``dlq.<consumer>.<type>`` and terminate the message."""
        await self._broker.publish_dead_letter(self._msg, self._consumer, reason)
