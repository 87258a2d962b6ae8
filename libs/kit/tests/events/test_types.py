"""Event names, typed payloads and the envelope."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta, timezone
from typing import ClassVar

import pytest
from opentelemetry import context as otel_context
from opentelemetry import trace
from pydantic import ValidationError

from runnerly_kit.context import set_request_id
from runnerly_kit.events import Envelope, EventData, EventHandlers, EventType

from .support import RunCreated, UserDeleted


def test_event_type_accepts_versioned_names_and_exposes_their_parts() -> None:
    """A valid name is a str whose service, entity, verb and version can be read back."""
    name = EventType("runs.run.created.v12")
    assert name == "runs.run.created.v12"
    assert (name.service, name.entity, name.verb, name.version) == ("runs", "run", "created", 12)


@pytest.mark.parametrize(
    "bad",
    [
        "runs.run.created",
        "runs.run.created.1",
        "runs.run.created.v0",
        "Runs.run.created.v1",
        "runs.run.created.v1.extra",
        "runs.*.created.v1",
        "runs.run.>.v1",
        "runs..created.v1",
        "runs.run created.v1",
        "",
    ],
)
def test_event_type_rejects_malformed_names(bad: str) -> None:
    """Names outside <service>.<entity>.<verb>.v<N> (or with subject wildcards) raise ValueError."""
    with pytest.raises(ValueError, match="invalid event type"):
        EventType(bad)


def test_event_data_requires_a_typed_event_type() -> None:
    """A payload class without its own EventType constant (or with a loose string) is refused."""
    with pytest.raises(TypeError, match="must declare event_type"):

        class Missing(EventData):
            value: int

    with pytest.raises(TypeError, match="must declare event_type"):

        class Loose(EventData):
            event_type: ClassVar[EventType] = "runs.run.created.v1"  # type: ignore[assignment]


def test_envelope_round_trips_and_parses_its_typed_payload() -> None:
    """An envelope survives its wire form, and payload() gives back the typed event."""
    envelope = Envelope.wrap(
        RunCreated(run_id="r1", distance_m=10_000), source="runs", subject="u1"
    )
    again = Envelope.from_bytes(envelope.to_bytes())
    assert again == envelope
    assert again.payload(RunCreated) == RunCreated(run_id="r1", distance_m=10_000)
    assert (again.type, again.source, again.subject) == ("runs.run.created.v1", "runs", "u1")
    assert again.occurred_at.tzinfo is not None


def test_payload_refuses_another_event_class() -> None:
    """Parsing an envelope as the wrong event class raises instead of guessing."""
    envelope = Envelope.wrap(UserDeleted(user_id="u1"), source="users")
    with pytest.raises(ValueError, match=r"holds 'users\.user\.deleted\.v1'"):
        envelope.payload(RunCreated)


def test_envelope_stores_occurred_at_in_utc_and_rejects_naive_times() -> None:
    """A timestamp with an offset is converted to UTC; one without an offset is invalid."""
    paris = timezone(timedelta(hours=2))
    fields = {"id": uuid.uuid4(), "type": "users.user.deleted.v1", "source": "users", "data": {}}
    envelope = Envelope(occurred_at=datetime(2025, 5, 1, 12, 0, tzinfo=paris), **fields)
    assert envelope.occurred_at == datetime(2025, 5, 1, 10, 0, tzinfo=UTC)
    assert envelope.occurred_at.utcoffset() == timedelta(0)
    with pytest.raises(ValidationError):
        Envelope(occurred_at=datetime(2025, 5, 1, 12, 0), **fields)  # noqa: DTZ001


def test_envelope_rejects_a_malformed_type() -> None:
    """An envelope on the wire with a type that is not a valid event name does not parse."""
    raw = (
        b'{"id": "8c2f7e0e-8f43-4a36-9d2b-0a8d6b1f6a52", "type": "nope", "source": "x",'
        b' "occurred_at": "2025-05-01T10:00:00Z", "data": {}}'
    )
    with pytest.raises(ValidationError):
        Envelope.from_bytes(raw)


def test_wrap_carries_the_request_id_and_trace_context() -> None:
    """A new envelope carries the current request id and the caller's W3C traceparent."""
    span_context = trace.SpanContext(
        trace_id=0x4BF92F3577B34DA6A3CE929D0E0E4736,
        span_id=0x00F067AA0BA902B7,
        is_remote=True,
        trace_flags=trace.TraceFlags(trace.TraceFlags.SAMPLED),
    )
    token = otel_context.attach(trace.set_span_in_context(trace.NonRecordingSpan(span_context)))
    set_request_id("req-42")
    try:
        envelope = Envelope.wrap(UserDeleted(user_id="u1"), source="users")
    finally:
        set_request_id(None)
        otel_context.detach(token)
    assert envelope.request_id == "req-42"
    assert envelope.trace["traceparent"] == (
        "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
    )


def test_event_handlers_refuse_bad_names_and_double_registration() -> None:
    """A consumer name must be a plain token, and one type has one handler per consumer."""
    with pytest.raises(ValueError, match="invalid consumer name"):
        EventHandlers("users.purge")
    handlers = EventHandlers("tokendealer-user-purge")

    @handlers.on(UserDeleted)
    async def forget(session: object, envelope: Envelope, data: UserDeleted) -> None:
        return None

    assert handlers.event_types == ["users.user.deleted.v1"]
    with pytest.raises(ValueError, match="already handles"):
        handlers.on(UserDeleted)(forget)
