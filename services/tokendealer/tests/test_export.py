"""The token dealer's part of "Download my data": the runner's login sessions, no token."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import select

from runnerly_contracts.users import UserDeleted
from runnerly_kit.events import Envelope
from runnerly_kit.testing.waiting import eventually
from runnerly_tokendealer.models import RefreshToken

from .support import TokenDealer, basic

RUNNER, OTHER = str(uuid.uuid4()), str(uuid.uuid4())


def _bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


async def _operator(tokendealer: TokenDealer) -> dict[str, str]:
    response = await tokendealer.token("operator", {"grant_type": "client_credentials"})
    assert response.status_code == 200, response.text
    return _bearer(response.json()["access_token"])


async def _export(tokendealer: TokenDealer, runner: str, headers: dict[str, str]) -> httpx.Response:
    return await tokendealer.http.get(f"/v1/runners/{runner}/export", headers=headers)


async def test_the_runner_sees_every_session_with_its_client_and_dates(
    tokendealer: TokenDealer,
) -> None:
    """Two sessions, one refreshed and one logged out: client, scopes, created, last used,
    revoked; the active count; no refresh token or hash in the body; not cacheable."""
    kept = await tokendealer.start_session("dashboard", RUNNER, {"runner"})
    ended = await tokendealer.start_session("dashboard", RUNNER, {"runner"})
    await tokendealer.start_session("dashboard", OTHER, {"runner"})
    refreshed = await tokendealer.token(
        "dashboard", {"grant_type": "refresh_token", "refresh_token": kept.refresh_token or ""}
    )
    assert refreshed.status_code == 200
    logout = await tokendealer.http.post(
        "/oauth/revoke", data={"token": ended.refresh_token or ""}, headers=basic("dashboard")
    )
    assert logout.status_code == 200

    response = await _export(tokendealer, RUNNER, _bearer(refreshed.json()["access_token"]))

    assert response.status_code == 200, response.text
    assert response.headers["cache-control"] == "no-store"
    body = response.json()
    assert (body["service"], body["runner_id"]) == ("tokendealer", RUNNER)
    data = body["data"]
    assert data["active_sessions"] == 1
    sessions = {s["status"]: s for s in data["sessions"]}
    assert set(sessions) == {"active", "revoked"}
    active, revoked = sessions["active"], sessions["revoked"]
    assert (active["client_id"], active["scopes"]) == ("dashboard", ["runner"])
    assert active["refresh_tokens_issued"] == 2
    assert active["last_used_at"] is not None
    assert active["revoked_at"] is None
    assert revoked["revoked_reason"] == "revoked"
    assert revoked["last_used_at"] is None
    async with tokendealer.runtime.db.transaction(write=False) as session:
        hashes = (await session.scalars(select(RefreshToken.token_hash))).all()
    leaks = [kept.refresh_token, ended.refresh_token, refreshed.json()["refresh_token"], *hashes]
    for secret in leaks:
        assert secret is not None
        assert secret not in response.text


async def test_another_runner_and_a_scopeless_service_get_403(tokendealer: TokenDealer) -> None:
    """A runner asking for someone else's export, or a service token without export: 403."""
    await tokendealer.start_session("dashboard", RUNNER, {"runner"})
    intruder = await tokendealer.start_session("dashboard", OTHER, {"runner"})
    runs = await tokendealer.token("runs", {"grant_type": "client_credentials"})

    by_runner = await _export(tokendealer, RUNNER, _bearer(intruder.access_token))
    by_service = await _export(tokendealer, RUNNER, _bearer(runs.json()["access_token"]))

    assert by_runner.status_code == by_service.status_code == 403
    assert "dashboard" not in by_runner.text


async def test_an_operator_exports_anyone_and_nothing_is_left_after_deletion(
    tokendealer: TokenDealer,
) -> None:
    """A token with scope export reads a runner's sessions; after users.user.deleted.v1 the
    export is empty."""
    await tokendealer.start_session("dashboard", RUNNER, {"runner"})
    operator = await _operator(tokendealer)
    before = await _export(tokendealer, RUNNER, operator)
    assert before.status_code == 200
    assert len(before.json()["data"]["sessions"]) == 1
    broker = tokendealer.runtime.broker
    assert broker is not None

    await broker.publish(Envelope.wrap(UserDeleted(user_id=RUNNER), source="users", subject=RUNNER))

    async def forgotten() -> bool:
        response = await _export(tokendealer, RUNNER, operator)
        return response.status_code == 200 and response.json()["data"]["sessions"] == []

    await eventually(forgotten, within=10, what="the deleted runner's sessions to be forgotten")
    after = (await _export(tokendealer, RUNNER, operator)).json()["data"]
    assert after["active_sessions"] == 0
