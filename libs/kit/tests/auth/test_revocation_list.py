"""The revocation list's rules, idempotence and expiry, with an injected clock."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any, ClassVar

from runnerly_kit.auth import Claims, RevocationList
from runnerly_kit.auth.events import PasswordReset, SessionRevoked, UserDeactivated, UserDeleted
from runnerly_kit.events import Envelope, EventData, EventType

T0 = 1_800_000_000.0
RETENTION = 960.0


class Clock:
    """A settable wall clock."""

    def __init__(self, now: float = T0) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def claims(sub: str = "runner-1", *, iat: float = T0 - 60, sid: str | None = "s-1") -> Claims:
    """Verified claims as the verifier hands them over."""
    payload: dict[str, Any] = {
        "sub": sub,
        "scope": "runner",
        "iat": int(iat),
        "exp": int(iat) + 900,
        "jti": uuid.uuid4().hex,
    }
    if sid is not None:
        payload["sid"] = sid
    return Claims.from_payload(payload)


def event(data: EventData, at: float = T0) -> Envelope:
    """An envelope of ``data`` stamped at ``at``."""
    wrapped = Envelope.wrap(data, source="test")
    return wrapped.model_copy(update={"occurred_at": datetime.fromtimestamp(at, UTC)})


def test_a_deleted_runners_tokens_are_all_revoked() -> None:
    """users.user.deleted.v1 revokes every token of that runner, whatever its session or age."""
    revocations = RevocationList(retention=RETENTION, clock=Clock())
    revocations.apply(event(UserDeleted(user_id="runner-1")))
    assert revocations.revokes(claims(sid="s-1"))
    assert revocations.revokes(claims(sid=None, iat=T0 + 5))
    assert not revocations.revokes(claims("runner-2"))


def test_a_deactivated_runners_tokens_are_all_revoked() -> None:
    """users.user.deactivated.v1 revokes every token of that runner, and no one else's."""
    revocations = RevocationList(retention=RETENTION, clock=Clock())
    revocations.apply(event(UserDeactivated(user_id="runner-1")))
    assert revocations.revokes(claims(sid="s-9"))
    assert not revocations.revokes(claims("runner-2"))


def test_a_password_reset_revokes_tokens_issued_before_it() -> None:
    """users.password.reset.v1 revokes the tokens issued up to the reset, not later ones."""
    revocations = RevocationList(retention=RETENTION, clock=Clock())
    revocations.apply(event(PasswordReset(user_id="runner-1"), at=T0))
    assert revocations.revokes(claims(iat=T0 - 600))
    assert revocations.revokes(claims(iat=T0))
    assert not revocations.revokes(claims(iat=T0 + 1))
    assert not revocations.revokes(claims("runner-2", iat=T0 - 600))


def test_a_password_change_keeps_the_session_that_made_it() -> None:
    """A reset naming a kept session revokes nothing by age: the other sessions go one by one."""
    revocations = RevocationList(retention=RETENTION, clock=Clock())
    revocations.apply(event(PasswordReset(user_id="runner-1", kept_session_id="s-1"), at=T0))
    assert not revocations.revokes(claims(sid="s-1", iat=T0 - 600))
    revocations.apply(event(SessionRevoked(user_id="runner-1", session_id="s-2"), at=T0))
    assert revocations.revokes(claims(sid="s-2", iat=T0 - 600))
    assert not revocations.revokes(claims(sid="s-1", iat=T0 - 600))


def test_a_revoked_session_revokes_its_tokens_only() -> None:
    """tokendealer.session.revoked.v1 revokes the tokens whose sid is that session."""
    revocations = RevocationList(retention=RETENTION, clock=Clock())
    revocations.apply(event(SessionRevoked(user_id="runner-1", session_id="s-1")))
    assert revocations.revokes(claims(sid="s-1"))
    assert not revocations.revokes(claims(sid="s-2"))
    assert not revocations.revokes(claims(sid=None))


def test_a_duplicate_event_changes_nothing() -> None:
    """The same events applied twice leave the list as applying them once did."""
    once = RevocationList(retention=RETENTION, clock=Clock())
    twice = RevocationList(retention=RETENTION, clock=Clock())
    events = [
        event(PasswordReset(user_id="runner-1"), at=T0 - 10),
        event(SessionRevoked(user_id="runner-2", session_id="s-2")),
        event(UserDeleted(user_id="runner-3")),
    ]
    for envelope in events:
        once.apply(envelope)
    for envelope in events + events:
        twice.apply(envelope)
    assert len(once) == len(twice) == 3
    probes = [
        claims("runner-1", iat=T0 - 10),
        claims("runner-1", iat=T0 - 9),
        claims("runner-2", sid="s-2"),
        claims("runner-3"),
    ]
    assert [once.revokes(c) for c in probes] == [twice.revokes(c) for c in probes]
    assert [once.revokes(c) for c in probes] == [True, False, True, True]


def test_a_later_reset_moves_the_cutoff_and_an_earlier_one_does_not() -> None:
    """Two resets, in any order: tokens issued before the later one are refused."""
    revocations = RevocationList(retention=RETENTION, clock=Clock())
    revocations.apply(event(PasswordReset(user_id="runner-1"), at=T0))
    revocations.apply(event(PasswordReset(user_id="runner-1"), at=T0 - 100))
    assert revocations.revokes(claims(iat=T0 - 50))


def test_entries_expire_once_every_token_they_revoke_has() -> None:
    """After the retention an entry no longer refuses anything, and a sweep forgets it."""
    clock = Clock()
    revocations = RevocationList(retention=RETENTION, clock=clock)
    revocations.apply(event(UserDeactivated(user_id="runner-1")))
    revocations.apply(event(SessionRevoked(user_id="runner-2", session_id="s-2")))
    revocations.apply(event(PasswordReset(user_id="runner-3")))
    clock.now = T0 + RETENTION - 1
    assert revocations.revokes(claims("runner-1"))
    clock.now = T0 + RETENTION
    # A reactivated runner's new token, a new session's token: accepted again.
    assert not revocations.revokes(claims("runner-1", iat=clock.now))
    assert not revocations.revokes(claims("runner-2", sid="s-2", iat=clock.now))
    assert not revocations.revokes(claims("runner-3", iat=T0 - 1))
    assert len(revocations) == 3
    revocations.sweep()
    assert len(revocations) == 0


def test_an_event_older_than_the_retention_is_not_kept() -> None:
    """A replayed event whose tokens have all expired adds nothing."""
    revocations = RevocationList(retention=RETENTION, clock=Clock())
    revocations.apply(event(UserDeleted(user_id="runner-1"), at=T0 - RETENTION - 1))
    assert len(revocations) == 0
    assert not revocations.revokes(claims("runner-1"))


def test_other_event_types_are_ignored() -> None:
    """An event that revokes nothing leaves the list empty."""

    class RunCreated(EventData):
        event_type: ClassVar[EventType] = EventType("runs.run.created.v1")
        run_id: str

    revocations = RevocationList(retention=RETENTION, clock=Clock())
    revocations.apply(event(RunCreated(run_id="r")))
    assert len(revocations) == 0
