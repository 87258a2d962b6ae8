"""Typed events: versioned names, payload classes and the envelope that carries them.

An event type is a constant, never a loose string::

    class UserDeleted(EventData):
        event_type: ClassVar[EventType] = EventType("users.user.deleted.v1")
        user_id: str

A breaking change to a payload gets a new class with the next version
(``users.user.deleted.v2``); both can be published while consumers move over.
"""

from __future__ import annotations

import builtins
import re
import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar, Self, TypeVar

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, field_validator

from runnerly_kit.context import current_request_id
from runnerly_kit.tracing import inject

_NAME = re.compile(r"^([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)\.([a-z][a-z0-9_]*)\.v([1-9][0-9]*)$")

E = TypeVar("E", bound="EventData")


class EventType(str):
    """A validated event name ``<service>.<entity>.<verb>.v<N>``, e.g. ``runs.run.created.v1``.

    Lower-case letters, digits and underscores only, so that the name is a safe
    broker subject suffix (no wildcards, no spaces) on NATS and RabbitMQ alike.
    """

    __slots__ = ()

    def __new__(cls, value: str) -> Self:
        if not isinstance(value, str) or _NAME.match(value) is None:
            raise ValueError(
                f"invalid event type {value!r}: expected '<service>.<entity>.<verb>.v<N>'"
            )
        return super().__new__(cls, value)

    @property
    def service(self) -> str:
        """The service that owns (publishes) the event."""
        return self.split(".")[0]

    @property
    def entity(self) -> str:
        """The thing the event is about."""
        return self.split(".")[1]

    @property
    def verb(self) -> str:
        """What happened to it, in the past tense."""
        return self.split(".")[2]

    @property
    def version(self) -> int:
        """The payload's schema version."""
        return int(self.split(".")[3][1:])


class EventData(BaseModel):
    """Base of typed event payloads; each concrete subclass declares its ``event_type``."""

    model_config = ConfigDict(frozen=True)

    event_type: ClassVar[EventType]

    @classmethod
    def __pydantic_init_subclass__(cls, **kwargs: Any) -> None:
        super().__pydantic_init_subclass__(**kwargs)
        declared = cls.__dict__.get("event_type")
        # Inheriting another event's name would publish two shapes under one
        # type; a plain string would dodge the name check. Both are bugs.
        if not isinstance(declared, EventType):
            raise TypeError(
                f"{cls.__name__} must declare event_type: ClassVar[EventType] = EventType(...)"
            )


class Envelope(BaseModel):
    """What travels on the broker: one event with its identity, origin and trace context."""

    # Unknown fields are ignored, so a newer publisher can add envelope fields
    # without breaking older consumers.
    model_config = ConfigDict(frozen=True, extra="ignore")

    id: uuid.UUID
    type: str
    occurred_at: AwareDatetime
    #: The service that published the event.
    source: str = Field(min_length=1)
    #: The user the event is about, where there is one (used to forget a user).
    subject: str | None = None
    data: dict[str, Any]
    #: W3C ``traceparent`` / ``tracestate`` of the change that caused the event.
    trace: dict[str, str] = Field(default_factory=dict)
    request_id: str | None = None

    @field_validator("type")
    @classmethod
    def _valid_type(cls, value: str) -> str:
        return str(EventType(value))

    @field_validator("occurred_at")
    @classmethod
    def _utc(cls, value: datetime) -> datetime:
        return value.astimezone(UTC)

    @classmethod
    def wrap(cls, data: EventData, *, source: str, subject: str | None = None) -> Envelope:
        """A new envelope for ``data``, stamped now, with the current request id and trace."""
        return cls(
            id=uuid.uuid4(),
            type=data.event_type,
            occurred_at=datetime.now(UTC),
            source=source,
            subject=subject,
            data=data.model_dump(mode="json"),
            trace=dict(inject({})),
            request_id=current_request_id(),
        )

    # ``builtins.type``: inside this class, ``type`` is the field.
    def payload(self, cls: builtins.type[E]) -> E:
        """The data parsed into its typed class; ``ValueError`` if the types differ."""
        if self.type != cls.event_type:
            raise ValueError(f"envelope holds {self.type!r}, not {cls.event_type!r}")
        return cls.model_validate(self.data)

    def to_bytes(self) -> bytes:
        """The JSON wire form."""
        return self.model_dump_json().encode()

    @classmethod
    def from_bytes(cls, raw: bytes | str) -> Envelope:
        """Parse the JSON wire form (raises ``pydantic.ValidationError``)."""
        return cls.model_validate_json(raw)
