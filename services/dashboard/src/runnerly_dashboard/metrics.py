"""The dashboard's own metrics, on the runtime's registry (``/metrics``)."""

from __future__ import annotations

from prometheus_client import CollectorRegistry, Counter


class DashboardMetrics:
    """Logins and token refreshes by outcome; panels shown unavailable, by panel."""

    def __init__(self, registry: CollectorRegistry) -> None:
        self.logins = Counter(
            "dashboard_logins",
            "Logins, by outcome (ok, or the error code: invalid_credentials, throttled...).",
            ("outcome",),
            registry=registry,
        )
        self.refreshes = Counter(
            "dashboard_token_refreshes",
            "Refreshes of a session's access token, by outcome (ok, ended, busy, unavailable).",
            ("outcome",),
            registry=registry,
        )
        self.unavailable_panels = Counter(
            "dashboard_panels_unavailable",
            "Panels of a screen shown unavailable (their service down or past the deadline).",
            ("panel",),
            registry=registry,
        )
