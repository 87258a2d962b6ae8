"""The broker behind a small interface, so a second backend (RabbitMQ) needs no service change.

A backend publishes envelopes with broker-side de-duplication on the envelope id,
and hands a named durable consumer its deliveries, each of which is acked,
retried later, or dead-lettered. Everything that fails because the broker is
unreachable raises :class:`BrokerUnavailable`; callers retry.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from runnerly_kit.events.types import Envelope


class BrokerUnavailable(Exception):  # the name is the kit's API
    """The broker could not be reached, or did not confirm in time; try again later."""


@dataclass(frozen=True)
class DeadLetter:
    """Why a delivery was given up on, sent along with the envelope to the dead-letter subject."""

    consumer: str
    error: str
    deliveries: int


class Delivery(Protocol):
    """One delivery of one event to a durable consumer."""

    @property
    def body(self) -> bytes:
        """The envelope's wire form (it may fail to parse: poison messages exist)."""
        ...

    @property
    def attempt(self) -> int:
        """How many times this event has been delivered to this consumer, this time included."""
        ...

    async def ack(self) -> None:
        """Done: never deliver this event to this consumer again."""
        ...

    async def retry(self, delay: float) -> None:
        """Not done: deliver it again after about ``delay`` seconds."""
        ...

    async def dead_letter(self, reason: DeadLetter) -> None:
        """Give up: park the event with ``reason`` for an operator, then stop delivering it."""
        ...


class Subscription(Protocol):
    """A durable consumer's stream of deliveries, shared by every replica using its name."""

    async def fetch(self, max_messages: int, *, max_wait: float) -> Sequence[Delivery]:
        """Up to ``max_messages`` deliveries, or none after ``max_wait`` seconds."""
        ...

    async def close(self) -> None:
        """Stop receiving (the durable consumer and its position are kept)."""
        ...


@dataclass(frozen=True)
class Watched:
    """One event seen by a watch: its wire form and when the broker stored it."""

    body: bytes
    stored_at: datetime


class Watch(Protocol):
    """A per-process, non-durable view of the events stream: no acks, nothing shared."""

    async def fetch(self, max_messages: int, *, max_wait: float) -> Sequence[Watched]:
        """The next events in stream order, or none after ``max_wait`` seconds.

        Raises :class:`BrokerUnavailable` when the watch is lost (outage, reconnection):
        the caller watches again from the last ``stored_at`` it saw.
        """
        ...

    async def close(self) -> None:
        """Stop watching; the server forgets the watch."""
        ...


class Broker(Protocol):
    """What the outbox relay, the consumers and ``/healthz`` need from a broker."""

    async def start(self) -> None:
        """Connect, or keep trying in the background; never raises for an absent broker."""
        ...

    async def close(self) -> None:
        """Flush and disconnect."""
        ...

    async def ping(self) -> None:
        """Raise :class:`BrokerUnavailable` unless connected and answering."""
        ...

    @property
    def is_connected(self) -> bool:
        """Connected right now (for ``/healthz`` and the ``broker_connected`` gauge)."""
        ...

    async def publish(self, envelope: Envelope) -> bool:
        """Return once the broker has stored the event; False if it was a duplicate of one
        already stored (same envelope id). Raise :class:`BrokerUnavailable` otherwise."""
        ...

    async def subscribe(
        self, consumer: str, event_types: Sequence[str], *, ack_wait: float
    ) -> Subscription:
        """Create or update the durable ``consumer`` for ``event_types`` and bind to it."""
        ...

    async def watch(self, event_types: Sequence[str], *, since: datetime) -> Watch:
        """Every event of ``event_types`` stored since ``since``, then each new one, to this
        process alone (every replica sees every event, unlike a durable consumer)."""
        ...


def backoff_delay(attempt: int, *, base: float, cap: float) -> float:
    """Capped exponential backoff with full jitter, for the ``attempt``-th retry (1-based)."""
    ceiling = min(cap, base * 2 ** min(attempt - 1, 30))
    # Jitter keeps replicas that failed together from retrying together.
    return random.uniform(ceiling / 2, ceiling)  # noqa: S311  # not for security
