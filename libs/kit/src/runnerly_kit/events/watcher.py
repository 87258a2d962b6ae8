"""Watching events in every process: each replica sees each event, with no shared state.

A :class:`~runnerly_kit.events.Consumer` shares one durable consumer among the
replicas of a service and records what it applied in the database; that is
right for work done once. Some events change what *every* process holds in
memory (a revoked token must be refused by every replica), so an
:class:`EventWatcher` gives each process its own ephemeral watch. On start it
replays the stream from ``lookback`` seconds ago, so a process that just
started learns what happened before; after an outage it watches again from
the last event it saw. Handlers must be idempotent: events overlapping a
re-watch are seen twice.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from datetime import UTC, datetime, timedelta

from pydantic import ValidationError

from runnerly_kit.events.broker import Broker, BrokerUnavailable, Watch, backoff_delay
from runnerly_kit.events.types import Envelope
from runnerly_kit.logs import get_logger
from runnerly_kit.tasks import cancel_and_wait

_log = get_logger("runnerly.events.watcher")
# Re-watching from slightly before the last event seen covers events stored in
# the same instant; the handler's idempotence absorbs the repeats.
_REWATCH_OVERLAP = timedelta(seconds=1)
_FIRST_FETCH_WAIT = 0.1


class EventWatcher:
    """Feeds every event of ``event_types`` to ``handler`` in this process, until stopped."""

    def __init__(
        self,
        broker: Broker,
        event_types: Sequence[str],
        handler: Callable[[Envelope], None],
        *,
        lookback: float,
        batch_size: int = 100,
        fetch_timeout: float = 1.0,
        max_backoff: float = 5.0,
        clock: Callable[[], float] = time.time,
    ) -> None:
        self._broker = broker
        self._event_types = sorted(event_types)
        self._handler = handler
        self._lookback = lookback
        self._batch_size = batch_size
        self._fetch_timeout = fetch_timeout
        self._max_backoff = max_backoff
        self._clock = clock
        self._task: asyncio.Task[None] | None = None
        self._last_stored_at: datetime | None = None
        #: Events handed to the handler (repeats included), for metrics and tests.
        self.seen = 0
        #: Set once the replay from ``lookback`` has been handed over (the first short fetch).
        self.caught_up = asyncio.Event()

    def start(self) -> None:
        """Start watching in the background."""
        if self._task is None:
            self._task = asyncio.create_task(self._run(), name="event-watcher")

    async def stop(self) -> None:
        """Stop watching and close the watch."""
        if self._task is None:
            return
        await cancel_and_wait(self._task)
        self._task = None

    def _since(self) -> datetime:
        if self._last_stored_at is not None:
            return self._last_stored_at - _REWATCH_OVERLAP
        return datetime.fromtimestamp(self._clock() - self._lookback, UTC)

    async def _run(self) -> None:
        failures = 0
        while True:
            watch: Watch | None = None
            try:
                watch = await self._broker.watch(self._event_types, since=self._since())
                failures = 0
                await self._follow(watch)
            except BrokerUnavailable as exc:
                failures += 1
                if failures == 1:
                    _log.warning("watch_lost", error=str(exc))
                await asyncio.sleep(backoff_delay(failures, base=0.2, cap=self._max_backoff))
            finally:
                if watch is not None:
                    await watch.close()

    async def _follow(self, watch: Watch) -> None:
        while True:
            # Until the replay is over, do not linger on an empty stream: start-up waits for it.
            wait = self._fetch_timeout if self.caught_up.is_set() else _FIRST_FETCH_WAIT
            events = await watch.fetch(self._batch_size, max_wait=wait)
            for event in events:
                self._deliver(event.body)
                self._last_stored_at = event.stored_at
            if len(events) < self._batch_size:
                self.caught_up.set()

    def _deliver(self, body: bytes) -> None:
        try:
            envelope = Envelope.from_bytes(body)
        except ValidationError:
            # No one to hand a poison message back to: it stays in the stream for the
            # durable consumers, which dead-letter it.
            _log.warning("watched_event_unreadable")
            return
        try:
            self._handler(envelope)
        except Exception:  # one bad event must not stop the watch
            _log.exception("watched_event_failed", event_type=envelope.type, event_id=envelope.id)
        self.seen += 1
