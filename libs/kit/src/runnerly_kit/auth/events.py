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
    """A runner set a new password: every login session of theirs must end, but one.

    By the reset flow (``kept_session_id`` is None) it revokes the runner's
    tokens issued (``iat``) up to the event. By a change from a logged-in
    session, that session is kept: the token dealer ends every other one and
    publishes :class:`SessionRevoked` for each, which revokes their access
    tokens; the runner's tokens as a whole are not revoked.
    """

    event_type: ClassVar[EventType] = EventType("users.password.reset.v1")

    user_id: str
    #: The session (``sid``) that changed the password and stays logged in.
    kept_session_id: str | None = None


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
