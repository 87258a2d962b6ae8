"""Revoked tokens, learnt from events by every process and checked on every request.

Access tokens are verified locally and live ``access_token_ttl`` (15 min), so
a deleted runner's or a revoked session's token would otherwise work until it
expires. Each process keeps, in memory, what the revocation events say:

- ``users.user.deleted.v1``, ``users.user.deactivated.v1``: every token of the runner;
- ``users.password.reset.v1``: the runner's tokens issued (``iat``) up to the reset
  (not for a password change that keeps its own session: see ``PasswordReset``);
- ``tokendealer.session.revoked.v1``: the tokens of that session (``sid``).

An entry is kept ``retention`` seconds after its event, the longest any token it
revokes can live (its lifetime plus clock skew), then forgotten. Applying an
event twice changes nothing.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from runnerly_kit.auth._claims import Claims
from runnerly_kit.auth.events import (
    REVOCATION_EVENTS,
    PasswordReset,
    SessionRevoked,
    UserDeactivated,
    UserDeleted,
)
from runnerly_kit.events.broker import Broker
from runnerly_kit.events.types import Envelope
from runnerly_kit.events.watcher import EventWatcher

# Expired entries are swept at most this often (they are harmless meanwhile: every
# token they revoke has expired too).
_SWEEP_INTERVAL = 60.0


class RevocationList:
    """What revocation events said, until the tokens they revoke have expired."""

    def __init__(self, *, retention: float, clock: Callable[[], float] = time.time) -> None:
        self.retention = retention
        self._clock = clock
        # Until when each entry holds (epoch seconds).
        self._runners: dict[str, float] = {}
        self._issued_until: dict[str, tuple[float, float]] = {}  # (iat cutoff, until)
        self._sessions: dict[str, float] = {}
        self._next_sweep = 0.0

    def __len__(self) -> int:
        return len(self._runners) + len(self._issued_until) + len(self._sessions)

    def revokes(self, claims: Claims) -> bool:
        """True when an event revoked this (verified) token. A few dictionary lookups."""
        subject = claims.subject
        until = self._runners.get(subject)
        if until is not None and until > self._clock():
            return True
        cutoff = self._issued_until.get(subject)
        if cutoff is not None and claims.raw["iat"] <= cutoff[0] and cutoff[1] > self._clock():
            return True
        if self._sessions:
            session_id = claims.raw.get("sid")
            if session_id is not None:
                until = self._sessions.get(session_id)
                if until is not None and until > self._clock():
                    return True
        return False

    def apply(self, envelope: Envelope) -> None:
        """Take in one event (other types are ignored); idempotent."""
        at = envelope.occurred_at.timestamp()
        until = at + self.retention
        now = self._clock()
        if now >= self._next_sweep:
            self.sweep()
        if until <= now:
            return  # every token it revokes has expired already
        match envelope.type:
            case UserDeleted.event_type:
                self._revoke_runner(envelope.payload(UserDeleted).user_id, until)
            case UserDeactivated.event_type:
                self._revoke_runner(envelope.payload(UserDeactivated).user_id, until)
            case PasswordReset.event_type:
                reset = envelope.payload(PasswordReset)
                if reset.kept_session_id is not None:
                    # A change from a session that stays: the others' tokens are
                    # revoked by the token dealer's SessionRevoked events, one each.
                    return
                cutoff, held = self._issued_until.get(reset.user_id, (at, until))
                self._issued_until[reset.user_id] = (max(cutoff, at), max(held, until))
            case SessionRevoked.event_type:
                session_id = envelope.payload(SessionRevoked).session_id
                self._sessions[session_id] = max(until, self._sessions.get(session_id, 0.0))
            case _:
                return

    def _revoke_runner(self, runner: str, until: float) -> None:
        self._runners[runner] = max(until, self._runners.get(runner, 0.0))

    def sweep(self) -> None:
        """Forget the entries whose tokens have all expired."""
        now = self._clock()
        self._next_sweep = now + _SWEEP_INTERVAL
        self._runners = {k: until for k, until in self._runners.items() if until > now}
        self._sessions = {k: until for k, until in self._sessions.items() if until > now}
        self._issued_until = {k: v for k, v in self._issued_until.items() if v[1] > now}


def revocation_watcher(broker: Broker, revocations: RevocationList) -> EventWatcher:
    """A watcher that feeds ``revocations`` from the broker, from one retention ago."""
    return EventWatcher(
        broker,
        [event.event_type for event in REVOCATION_EVENTS],
        revocations.apply,
        lookback=revocations.retention,
    )
