"""The event metrics of one app, created once per registry, shared by its relays and consumers."""

from __future__ import annotations

import weakref

from prometheus_client import CollectorRegistry, Counter, Gauge

_CONSUMER_LABELS = ("consumer", "type")


class EventMetrics:
    """Outbox and consumer metrics on one registry."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.published = Counter(
            "events_published",
            "Events stored by the broker (re-publishes it recognised as duplicates not counted).",
            ("type",),
            registry=registry,
        )
        self.publish_duplicates = Counter(
            "events_publish_duplicates",
            "Re-publishes the broker recognised by envelope id and did not store again.",
            registry=registry,
        )
        self.publish_failures = Counter(
            "events_publish_failures",
            "Outbox relay batches stopped because the broker did not acknowledge.",
            registry=registry,
        )
        self.outbox_pending = Gauge(
            "outbox_pending", "Events committed but not yet published.", registry=registry
        )
        self.outbox_lag = Gauge(
            "outbox_lag_seconds",
            "Age of the oldest committed event not yet published (0 when none).",
            registry=registry,
        )
        self.broker_connected = Gauge(
            "broker_connected",
            "1 while connected to the broker, 0 while not (the outbox holds events meanwhile).",
            registry=registry,
        )
        self.consumed = Counter(
            "events_consumed",
            "Events whose handler took effect and committed.",
            _CONSUMER_LABELS,
            registry=registry,
        )
        self.duplicates = Counter(
            "events_duplicates",
            "Deliveries skipped because the event had already taken effect.",
            _CONSUMER_LABELS,
            registry=registry,
        )
        self.failed = Counter(
            "events_failed",
            "Handler failures; each is retried later or dead-lettered.",
            _CONSUMER_LABELS,
            registry=registry,
        )
        self.dead_lettered = Counter(
            "events_dead_lettered",
            "Events given up on and parked on the dead-letter subject.",
            _CONSUMER_LABELS,
            registry=registry,
        )


_by_registry: weakref.WeakKeyDictionary[CollectorRegistry, EventMetrics] = (
    weakref.WeakKeyDictionary()
)


def event_metrics(registry: CollectorRegistry) -> EventMetrics:
    """The event metrics registered on ``registry`` (registered on first use)."""
    metrics = _by_registry.get(registry)
    if metrics is None:
        metrics = _by_registry[registry] = EventMetrics(registry)
    return metrics
