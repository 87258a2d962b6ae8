"""The strava service's own metrics, on the runtime's registry (``/metrics``)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter, Gauge

from runnerly_strava.strava.ratelimit import RateLimiter


class SyncMetrics:
    """Sync jobs by kind and outcome; Strava's rate-limit usage as last seen."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.jobs = Counter(
            "strava_sync_jobs",
            "Sync jobs run, by kind and outcome (done, postponed, retry, failed, dropped).",
            ("kind", "outcome"),
            registry=registry,
        )
        self.usage = Gauge(
            "strava_rate_limit_usage",
            "Strava API calls counted in the current window (short or daily), by limit kind.",
            ("window", "kind"),
            registry=registry,
        )
        self.limit = Gauge(
            "strava_rate_limit_limit",
            "Strava's rate limit of the window (short or daily), by limit kind.",
            ("window", "kind"),
            registry=registry,
        )

    def count(self, kind: str, outcome: str) -> None:
        """Count one job run."""
        self.jobs.labels(kind, outcome).inc()

    def observe(self, limiter: RateLimiter) -> None:
        """Copy the limiter's view of Strava's usage to the gauges."""
        for (window, kind), (usage, limit) in limiter.usage().items():
            self.usage.labels(window, kind).set(usage)
            self.limit.labels(window, kind).set(limit)
