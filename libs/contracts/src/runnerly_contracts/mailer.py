"""Commands the ``mailer`` service consumes."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import EmailStr, Field

from runnerly_kit.events import EventData, EventType


class SendEmail(EventData):
    """Send one email rendered from a named template (ARCHITECTURE.md §2, ``mailer``).

    Published through the sender's outbox like any event, so an email is sent
    if and only if the change that asked for it committed.
    """

    event_type: ClassVar[EventType] = EventType("mailer.email.send.v1")

    recipient: EmailStr
    template: str = Field(min_length=1, max_length=64, pattern=r"^[a-z][a-z0-9_]*$")
    #: Values the template uses (names, links); never a password or a token's secret part.
    data: dict[str, Any] = Field(default_factory=dict)
