"""Events published by the ``users`` service.

Payloads carry ids (and the names of changed fields), never a password, a
token or a profile value: a subscriber that needs more asks the users API.
"""

from __future__ import annotations

from typing import ClassVar

from runnerly_kit.events import EventData, EventType


class UserDeleted(EventData):
    """A runner deleted their account: every service forgets them (ARCHITECTURE.md §1, story 11)."""

    event_type: ClassVar[EventType] = EventType("users.user.deleted.v1")

    user_id: str


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


class PasswordReset(EventData):
    """A runner set a new password by the reset flow: every login session of theirs must end."""

    event_type: ClassVar[EventType] = EventType("users.password.reset.v1")

    user_id: str


class UserDeactivated(EventData):
    """An admin deactivated an account: it can no longer log in, and its sessions end."""

    event_type: ClassVar[EventType] = EventType("users.user.deactivated.v1")

    user_id: str
