"""Events: typed, versioned, published through a transactional outbox, consumed idempotently.

The pieces, in the order an event meets them:

- :class:`EventType`, :class:`EventData`, :class:`Envelope` (``types``): what an event is.
- :func:`record_event` (``outbox``): write it in the transaction of the change.
- :class:`OutboxRelay` (``relay``): publish committed events until the broker acknowledges.
- :class:`Broker` (``broker``) and :class:`NatsBroker` (``nats_broker``): the broker, behind
  a small interface.
- :class:`EventHandlers` and :class:`Consumer` (``consumer``): react to events, each
  taking effect once, with bounded retries and a dead-letter subject.
- :class:`EventWatcher` (``watcher``): every event of some types, in every process (no
  shared consumer), e.g. token revocations.
- :func:`include_kit_tables`, :func:`create_kit_tables` (``tables``): the tables all this needs.
"""

from runnerly_kit.events.broker import (
    Broker,
    BrokerUnavailable,
    DeadLetter,
    Delivery,
    Subscription,
    Watch,
    Watched,
)
from runnerly_kit.events.consumer import Consumer, EventHandlers
from runnerly_kit.events.nats_broker import (
    DLQ_STREAM,
    EVENTS_STREAM,
    NatsBroker,
    dead_letter_subject,
    event_subject,
)
from runnerly_kit.events.outbox import record_event
from runnerly_kit.events.relay import OutboxRelay
from runnerly_kit.events.tables import create_kit_tables, drop_kit_tables, include_kit_tables
from runnerly_kit.events.types import Envelope, EventData, EventType
from runnerly_kit.events.watcher import EventWatcher

__all__ = [
    "DLQ_STREAM",
    "EVENTS_STREAM",
    "Broker",
    "BrokerUnavailable",
    "Consumer",
    "DeadLetter",
    "Delivery",
    "Envelope",
    "EventData",
    "EventHandlers",
    "EventType",
    "EventWatcher",
    "NatsBroker",
    "OutboxRelay",
    "Subscription",
    "Watch",
    "Watched",
    "create_kit_tables",
    "dead_letter_subject",
    "drop_kit_tables",
    "event_subject",
    "include_kit_tables",
    "record_event",
]
