"""The events that revoke access tokens before their expiry: their one definition.

The kit must understand them (every service refuses revoked tokens) and may
not import ``runnerly_contracts``, so they are defined here; the contracts
package re-exports them under its usual modules (``runnerly_contracts.users``,
``runnerly_contracts.tokendealer``), where publishers and other subscribers
find them.
"""

from __future__ import annotations

from typing import ClassVar

from runnerly_kit.events.types import EventData, EventType


class UserDeleted(EventData):
    """A runner deleted their account: every service forgets them (ARCHITECTURE.md §1, story 11).

    Revokes every token of the runner.
    """

    event_type: ClassVar[EventType] = EventType("users.user.deleted.v1")

    user_id: str


class UserDeactivated(EventData):
    """An admin deactivated an account: it can no longer log in, and its sessions end.

    Revokes every token of the runner.
    """

    event_type: ClassVar[EventType] = EventType("users.user.deactivated.v1")

    user_id: str


class PasswordReset(EventData):
    """A runner set a new password by the reset flow: every login session of theirs must end.

    Revokes the runner's tokens issued (``iat``) up to the event.
    """

    event_type: ClassVar[EventType] = EventType("users.password.reset.v1")

    user_id: str


class SessionRevoked(EventData):
    """The token dealer ended a login session (logout, RFC 7009, refresh-token reuse, a password
    reset or deactivation): its refresh tokens no longer work.

    Revokes the access tokens whose ``sid`` is ``session_id``.
    """

    event_type: ClassVar[EventType] = EventType("tokendealer.session.revoked.v1")

    user_id: str
    session_id: str


#: Every event that revokes tokens, which each service process watches.
REVOCATION_EVENTS: tuple[type[EventData], ...] = (
    UserDeleted,
    UserDeactivated,
    PasswordReset,
    SessionRevoked,
)
