"""Every event published on the broker while a test runs, as a subscriber would see it.

Tests assert on what a service published (``runs.run.created.v1`` exactly once,
the mail command of a sign-up...) by listening on the real broker, after the
outbox relay, instead of peeking into the service's tables.
"""

from __future__ import annotations

import asyncio
import contextlib
from dataclasses import dataclass, field
from typing import Any, Self

import nats
from nats.aio.client import Client
from nats.aio.msg import Msg

from runnerly_kit.events import Envelope, event_subject


@dataclass
class EventLog:
    """The envelopes published on the broker since it was opened, in arrival order."""

    connection: Client
    envelopes: list[Envelope] = field(default_factory=list)
    _arrived: asyncio.Event = field(default_factory=asyncio.Event)

    @classmethod
    async def open(cls, nats_url: str) -> Self:
        log = cls(await nats.connect(nats_url))
        await log.connection.subscribe(event_subject(">"), cb=log._receive)
        await log.connection.flush()
        return log

    async def _receive(self, msg: Msg) -> None:
        self.envelopes.append(Envelope.from_bytes(msg.data))
        self._arrived.set()

    async def wait_for(self, event_type: str, **match: Any) -> Envelope:
        """The first event of ``event_type`` whose data (or subject) has the given values."""
        return (await self.wait_for_all(1, event_type, **match))[0]

    async def wait_for_all(
        self, n: int, event_type: str, *, within: float = 20.0, **match: Any
    ) -> list[Envelope]:
        """The events of ``event_type`` with the given values, once at least ``n`` arrived."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + within
        while True:
            found = self.matching(event_type, **match)
            if len(found) >= n:
                return found
            if loop.time() > deadline:
                raise AssertionError(f"fewer than {n} {event_type} events with {match}")
            # The outbox relay publishes right after the commit; wait for the next arrival.
            self._arrived.clear()
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(0.05):
                    await self._arrived.wait()

    def matching(self, event_type: str, **match: Any) -> list[Envelope]:
        """The events of ``event_type`` with the given values that arrived so far."""
        return [e for e in self.envelopes if e.type == event_type and _matches(e, match)]

    def count(self, event_type: str, **match: Any) -> int:
        """How many such events arrived so far."""
        return len(self.matching(event_type, **match))

    async def close(self) -> None:
        await self.connection.drain()


def _matches(envelope: Envelope, match: dict[str, Any]) -> bool:
    for key, value in match.items():
        actual = envelope.subject if key == "subject" else envelope.data.get(key)
        if actual != value:
            return False
    return True
