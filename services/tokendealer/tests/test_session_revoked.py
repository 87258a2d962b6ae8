"""Every ended login session is published as tokendealer.session.revoked.v1 (through the outbox).

Each test reads the outbox (the event was recorded with the revocation) and
waits until the token dealer's own revocation list, fed from the real broker
like every service's, refuses the session's access token.
"""

from __future__ import annotations

import uuid

from sqlalchemy import select

from runnerly_contracts.tokendealer import SessionRevoked
from runnerly_contracts.users import PasswordReset
from runnerly_kit.events import Envelope
from runnerly_kit.events.tables import outbox_table
from runnerly_kit.testing.waiting import eventually
from runnerly_tokendealer.tokens.service import IssuedTokens

from .support import TokenDealer, basic


async def _revoked_sessions(tokendealer: TokenDealer) -> list[SessionRevoked]:
    async with tokendealer.runtime.db.transaction(write=False) as session:
        rows = await session.scalars(
            select(outbox_table.c.envelope)
            .where(outbox_table.c.type == SessionRevoked.event_type)
            .order_by(outbox_table.c.created_at)
        )
        return [Envelope.from_bytes(raw).payload(SessionRevoked) for raw in rows]


async def _session_id(tokendealer: TokenDealer, issued: IssuedTokens) -> str:
    claims = await tokendealer.runtime.verifier.verify(issued.access_token)
    return str(claims.raw["sid"])


async def _wait_until_refused(tokendealer: TokenDealer, issued: IssuedTokens) -> None:
    claims = await tokendealer.runtime.verifier.verify(issued.access_token)
    revocations = tokendealer.runtime.revocations
    assert revocations is not None

    async def refused() -> bool:
        return revocations.revokes(claims)

    await eventually(refused, within=10, what="the session's access token to be revoked")


async def _revoke(tokendealer: TokenDealer, token: str) -> None:
    response = await tokendealer.http.post(
        "/oauth/revoke", data={"token": token}, headers=basic("dashboard")
    )
    assert response.status_code == 200


async def test_logout_publishes_the_ended_session(tokendealer: TokenDealer) -> None:
    """Revoking a refresh token (logout) records one event naming the runner and the session."""
    issued = await tokendealer.start_session("dashboard", "runner-1", {"runner"})
    other = await tokendealer.start_session("dashboard", "runner-1", {"runner"})

    await _revoke(tokendealer, issued.refresh_token or "")

    sid = await _session_id(tokendealer, issued)
    assert await _revoked_sessions(tokendealer) == [
        SessionRevoked(user_id="runner-1", session_id=sid)
    ]
    await _wait_until_refused(tokendealer, issued)
    revocations = tokendealer.runtime.revocations
    assert revocations is not None
    assert not revocations.revokes(await tokendealer.runtime.verifier.verify(other.access_token))


async def test_revoking_an_access_token_publishes_its_session(tokendealer: TokenDealer) -> None:
    """RFC 7009 on an access token ends its session (sid) and publishes it, once however often."""
    issued = await tokendealer.start_session("dashboard", "runner-1", {"runner"})

    await _revoke(tokendealer, issued.access_token)
    await _revoke(tokendealer, issued.access_token)
    await _revoke(tokendealer, issued.refresh_token or "")

    sid = await _session_id(tokendealer, issued)
    assert await _revoked_sessions(tokendealer) == [
        SessionRevoked(user_id="runner-1", session_id=sid)
    ]
    await _wait_until_refused(tokendealer, issued)


async def test_refresh_token_reuse_publishes_the_revoked_family(tokendealer: TokenDealer) -> None:
    """A replayed refresh token revokes its family, and the event is kept though the request
    is refused."""
    issued = await tokendealer.start_session("dashboard", "runner-1", {"runner"})
    refresh = {"grant_type": "refresh_token", "refresh_token": issued.refresh_token or ""}
    assert (await tokendealer.token("dashboard", refresh)).status_code == 200

    replay = await tokendealer.token("dashboard", refresh)

    assert replay.status_code == 400
    sid = await _session_id(tokendealer, issued)
    assert await _revoked_sessions(tokendealer) == [
        SessionRevoked(user_id="runner-1", session_id=sid)
    ]
    await _wait_until_refused(tokendealer, issued)


async def test_a_password_reset_publishes_every_session_it_ends(tokendealer: TokenDealer) -> None:
    """users.password.reset.v1 ends each open session of the runner, each published."""
    first = await tokendealer.start_session("dashboard", "runner-1", {"runner"})
    second = await tokendealer.start_session("dashboard", "runner-1", {"runner"})
    await tokendealer.start_session("dashboard", "runner-2", {"runner"})
    broker = tokendealer.runtime.broker
    assert broker is not None

    await broker.publish(
        Envelope.wrap(PasswordReset(user_id="runner-1"), source="users", subject="runner-1")
    )

    async def published() -> list[SessionRevoked]:
        return await _revoked_sessions(tokendealer)

    events = await eventually(published, within=10, what="the sessions to be published")
    expected = {await _session_id(tokendealer, first), await _session_id(tokendealer, second)}
    assert {e.session_id for e in events} == expected
    assert {e.user_id for e in events} == {"runner-1"}


async def test_a_password_change_ends_every_session_but_the_one_that_made_it(
    tokendealer: TokenDealer,
) -> None:
    """users.password.reset.v1 naming a kept session ends only the others; the kept one still
    refreshes and its access token is never revoked."""
    # A runner of its own: the broker is shared by the session, and every service replays
    # the last minutes of revocations (another test's reset of "runner-1" among them).
    runner = f"runner-{uuid.uuid4()}"
    kept = await tokendealer.start_session("dashboard", runner, {"runner"})
    other = await tokendealer.start_session("dashboard", runner, {"runner"})
    kept_id = await _session_id(tokendealer, kept)
    broker = tokendealer.runtime.broker
    assert broker is not None

    await broker.publish(
        Envelope.wrap(
            PasswordReset(user_id=runner, kept_session_id=kept_id),
            source="users",
            subject=runner,
        )
    )

    async def published() -> list[SessionRevoked]:
        return [e for e in await _revoked_sessions(tokendealer) if e.user_id == runner]

    events = await eventually(published, within=10, what="the other session to be published")
    assert [e.session_id for e in events] == [await _session_id(tokendealer, other)]
    await _wait_until_refused(tokendealer, other)
    refreshed = await tokendealer.token(
        "dashboard", {"grant_type": "refresh_token", "refresh_token": kept.refresh_token or ""}
    )
    assert refreshed.status_code == 200, refreshed.text
    revocations = tokendealer.runtime.revocations
    assert revocations is not None
    assert not revocations.revokes(await tokendealer.runtime.verifier.verify(kept.access_token))
