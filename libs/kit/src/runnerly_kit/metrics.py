"""Prometheus metrics, one registry per app.

A registry per app (not the process-global default) lets several services run
in one test process without their metrics colliding. ``/metrics`` serves it.
"""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram

# Latency buckets centred on what a JSON API on loopback should do: 1 ms to 5 s.
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)
UNMATCHED_ROUTE = "<unmatched>"


class HttpMetrics:
    """Request count, errors and latency by route template."""

    def __init__(self, registry: CollectorRegistry) -> None:
        labels = ("method", "route", "status")
        self.requests = Counter(
            "http_requests", "HTTP requests handled.", labels, registry=registry
        )
        self.errors = Counter(
            "http_request_errors",
            "HTTP requests answered with a 4xx (kind=client) or 5xx (kind=server).",
            ("method", "route", "kind"),
            registry=registry,
        )
        self.latency = Histogram(
            "http_request_duration_seconds",
            "Time from request to the end of the response body.",
            ("method", "route"),
            buckets=LATENCY_BUCKETS,
            registry=registry,
        )
        self.in_progress = Gauge(
            "http_requests_in_progress", "HTTP requests being handled.", registry=registry
        )

        # Label lookups take a lock and build tuples; a request's labels are
        # few and repeat, so their children are looked up once and kept.
        self._children: dict[tuple[str, str, int], tuple[Counter, Histogram, Counter | None]] = {}

    def observe(self, method: str, route: str, status: int, seconds: float) -> None:
        """Record one finished request."""
        key = (method, route, status)
        children = self._children.get(key)
        if children is None:
            errors = None
            if status >= 400:
                kind = "server" if status >= 500 else "client"
                errors = self.errors.labels(method, route, kind)
            children = (
                self.requests.labels(method, route, str(status)),
                self.latency.labels(method, route),
                errors,
            )
            self._children[key] = children
        requests, latency, errors = children
        requests.inc()
        latency.observe(seconds)
        if errors is not None:
            errors.inc()
