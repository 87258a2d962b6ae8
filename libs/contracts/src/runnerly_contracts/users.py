"""Events published by the ``users`` service.

Payloads carry ids (and the names of changed fields), never a password, a
token or a profile value: a subscriber that needs more asks the users API.
"""

from __future__ import annotations

from typing import ClassVar

# The events that revoke tokens are defined in the kit, which must understand
# them and cannot import this package; they are re-exported here, their public home.
from runnerly_kit.auth.events import PasswordReset, UserDeactivated, UserDeleted
from runnerly_kit.events import EventData, EventType

__all__ = [
    "PasswordReset",
    "ProfileUpdated",
    "UserActivated",
    "UserDeactivated",
    "UserDeleted",
    "UserRegistered",
]


class UserRegistered(EventData):
    """A runner signed up; the account is inactive until its email address is confirmed."""

    event_type: ClassVar[EventType] = EventType("users.user.registered.v1")

    user_id: str


class UserActivated(EventData):
    """A runner confirmed their email address: the account may log in from now on."""

    event_type: ClassVar[EventType] = EventType("users.user.activated.v1")

    user_id: str


class ProfileUpdated(EventData):
    """A runner changed their profile (or their email address); ``fields`` names what changed."""

    event_type: ClassVar[EventType] = EventType("users.profile.updated.v1")

    user_id: str
    fields: list[str]
