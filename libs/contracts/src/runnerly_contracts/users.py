"""Events published by the ``users`` service."""

from __future__ import annotations

from typing import ClassVar

from runnerly_kit.events import EventData, EventType


class UserDeleted(EventData):
    """A runner deleted their account: every service forgets them (ARCHITECTURE.md §1, story 11)."""

    event_type: ClassVar[EventType] = EventType("users.user.deleted.v1")

    user_id: str
