"""A deleted runner is forgotten: users.user.deleted.v1 removes their sessions."""

from __future__ import annotations

import asyncio
import uuid

from sqlalchemy import func, select

from runnerly_contracts.users import UserDeleted
from runnerly_kit.columns import utcnow
from runnerly_kit.events import Envelope
from runnerly_tokendealer.models import RefreshToken, RefreshTokenFamily

from .support import TokenDealer


async def _families(tokendealer: TokenDealer, subject: str) -> int:
    async with tokendealer.runtime.db.transaction(write=False) as session:
        count = await session.scalar(
            select(func.count())
            .select_from(RefreshTokenFamily)
            .where(RefreshTokenFamily.subject == subject)
        )
    return int(count or 0)


async def test_a_deleted_runner_loses_every_session(tokendealer: TokenDealer) -> None:
    """The event, published on the real broker, deletes the runner's sessions only, once."""
    gone = await tokendealer.start_session("dashboard", "runner-gone", {"runner"})
    await tokendealer.start_session("dashboard", "runner-gone", {"runner"})
    await tokendealer.start_session("dashboard", "runner-stays", {"runner"})
    envelope = Envelope(
        id=uuid.uuid4(),
        type=UserDeleted.event_type,
        occurred_at=utcnow(),
        source="users",
        subject="runner-gone",
        data=UserDeleted(user_id="runner-gone").model_dump(mode="json"),
    )
    broker = tokendealer.runtime.broker
    assert broker is not None

    await broker.publish(envelope)
    for _ in range(200):
        if await _families(tokendealer, "runner-gone") == 0:
            break
        await asyncio.sleep(0.05)

    assert await _families(tokendealer, "runner-gone") == 0
    assert await _families(tokendealer, "runner-stays") == 1
    refreshed = await tokendealer.token(
        "dashboard", {"grant_type": "refresh_token", "refresh_token": gone.refresh_token or ""}
    )
    assert refreshed.status_code == 400
    async with tokendealer.runtime.db.transaction(write=False) as session:
        assert await session.scalar(select(func.count()).select_from(RefreshToken)) == 1
