"""OpenTelemetry: traces are exported only when an OTLP endpoint is configured.

Without an exporter the API's no-op tracer still carries the caller's
``traceparent`` through the request (extract on the way in, inject on every
outgoing call and event), so a trace stays whole across services that do
export.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, MutableMapping
from contextlib import contextmanager

from opentelemetry import context as otel_context
from opentelemetry import propagate, trace

_enabled = False


def configure_tracing(*, service: str, otlp_endpoint: str) -> None:
    """Install the SDK tracer provider with an OTLP/HTTP exporter, if asked to."""
    if not otlp_endpoint:
        return
    # Imported here: the SDK and exporter are only needed when tracing is on.
    from opentelemetry.exporter.otlp.proto.http.trace_exporter import (  # noqa: PLC0415
        OTLPSpanExporter,
    )
    from opentelemetry.sdk.resources import Resource  # noqa: PLC0415
    from opentelemetry.sdk.trace import TracerProvider  # noqa: PLC0415
    from opentelemetry.sdk.trace.export import BatchSpanProcessor  # noqa: PLC0415

    global _enabled  # noqa: PLW0603  # set once per process, at start-up
    _enabled = True
    provider = TracerProvider(resource=Resource.create({"service.name": service}))
    endpoint = f"{otlp_endpoint.rstrip('/')}/v1/traces"
    provider.add_span_processor(BatchSpanProcessor(OTLPSpanExporter(endpoint=endpoint)))
    trace.set_tracer_provider(provider)


def extract(carrier: Mapping[str, str]) -> otel_context.Context:
    """The trace context a caller sent (HTTP headers or an event's trace field)."""
    return propagate.extract(carrier)


def inject(carrier: MutableMapping[str, str]) -> MutableMapping[str, str]:
    """Write the current trace context into outgoing headers or an event."""
    propagate.inject(carrier)
    return carrier


def tracer() -> trace.Tracer:
    """The tracer of the kit."""
    return trace.get_tracer("runnerly_kit")


@contextmanager
def server_span(name: str, carrier: Mapping[str, str]) -> Iterator[trace.Span | None]:
    """The span of one handled request, child of the caller's trace context.

    Without an exporter no span is made (it would record nothing); the
    caller's context is still attached, so it is passed on to our own calls.
    """
    token = otel_context.attach(extract(carrier)) if carrier else None
    try:
        if not _enabled:
            yield None
            return
        with tracer().start_as_current_span(name, kind=trace.SpanKind.SERVER) as span:
            yield span
    finally:
        if token is not None:
            otel_context.detach(token)
