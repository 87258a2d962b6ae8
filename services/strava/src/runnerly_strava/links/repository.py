"""SQL of the links and the OAuth states."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from runnerly_strava.models import LinkStatus, OAuthState, StravaLink


async def get_link(session: AsyncSession, runner_id: str) -> StravaLink | None:
    """The runner's link, if any."""
    return await session.get(StravaLink, runner_id)


async def get_link_by_athlete(session: AsyncSession, athlete_id: int) -> StravaLink | None:
    """The link of a Strava athlete, if any."""
    return await session.scalar(select(StravaLink).where(StravaLink.athlete_id == athlete_id))


def add_link(session: AsyncSession, link: StravaLink) -> None:
    """Stage a new link."""
    session.add(link)


async def delete_link(session: AsyncSession, runner_id: str) -> None:
    """Forget the runner's link (and with it the tokens)."""
    await session.execute(delete(StravaLink).where(StravaLink.runner_id == runner_id))


async def _update_link(
    session: AsyncSession, runner_id: str, *conditions: ColumnElement[bool], **values: Any
) -> int:
    """Set ``values`` on the runner's link (where ``conditions`` hold); how many rows changed."""
    result = await session.execute(
        update(StravaLink)
        .where(StravaLink.runner_id == runner_id, *conditions)
        .values(**values)
        .execution_options(synchronize_session=False)
    )
    return int(getattr(result, "rowcount", 0) or 0)


async def replace_tokens(
    session: AsyncSession,
    runner_id: str,
    *,
    access_token: str,
    refresh_token: str,
    expires_at: datetime,
) -> None:
    """Store a refreshed pair; the version tells workers holding older tokens to re-read."""
    await _update_link(
        session,
        runner_id,
        access_token=access_token,
        refresh_token=refresh_token,
        expires_at=expires_at,
        token_version=StravaLink.token_version + 1,
    )


async def set_status(session: AsyncSession, runner_id: str, status: LinkStatus) -> None:
    """Mark the link active or broken."""
    await _update_link(session, runner_id, status=status)


async def set_backfill(session: AsyncSession, runner_id: str, state: str) -> None:
    """Record where the backfill is."""
    await _update_link(session, runner_id, backfill=state)


async def mark_synced(session: AsyncSession, runner_id: str, now: datetime) -> None:
    """A sync of the runner completed now."""
    await _update_link(session, runner_id, last_synced_at=now)


async def note_activity_start(session: AsyncSession, runner_id: str, started_at: datetime) -> None:
    """Remember the latest activity start seen (the periodic sync asks for newer ones)."""
    await _update_link(
        session,
        runner_id,
        StravaLink.last_activity_at.is_(None) | (StravaLink.last_activity_at < started_at),
        last_activity_at=started_at,
    )


async def links_due_for_sync(
    session: AsyncSession, now: datetime, limit: int
) -> Sequence[StravaLink]:
    """Active links whose periodic sync is due."""
    return (
        await session.scalars(
            select(StravaLink)
            .where(StravaLink.status == LinkStatus.active, StravaLink.next_sync_at <= now)
            .order_by(StravaLink.next_sync_at)
            .limit(limit)
        )
    ).all()


async def take_sync_turn(
    session: AsyncSession, runner_id: str, now: datetime, next_at: datetime
) -> bool:
    """Move the link's next sync to ``next_at``, if it is still due: one replica wins."""
    return bool(
        await _update_link(session, runner_id, StravaLink.next_sync_at <= now, next_sync_at=next_at)
    )


def add_state(session: AsyncSession, state: OAuthState) -> None:
    """Stage a new OAuth state."""
    session.add(state)


async def use_state(session: AsyncSession, state_hash: str, now: datetime) -> OAuthState | None:
    """Mark the state used, if it exists, is unused and unexpired; the state, or None."""
    result = await session.execute(
        update(OAuthState)
        .where(
            OAuthState.state_hash == state_hash,
            OAuthState.used_at.is_(None),
            OAuthState.expires_at > now,
        )
        .values(used_at=now)
        .execution_options(synchronize_session=False)
    )
    if not getattr(result, "rowcount", 0):
        return None
    return await session.get(OAuthState, state_hash)


async def states_of(session: AsyncSession, runner_id: str) -> Sequence[OAuthState]:
    """The runner's OAuth states still kept, oldest first."""
    result = await session.scalars(
        select(OAuthState)
        .where(OAuthState.runner_id == runner_id)
        .order_by(OAuthState.created_at, OAuthState.state_hash)
    )
    return result.all()


async def delete_states(session: AsyncSession, runner_id: str) -> None:
    """Forget the runner's OAuth states."""
    await session.execute(delete(OAuthState).where(OAuthState.runner_id == runner_id))


async def purge_states(session: AsyncSession, before: datetime) -> None:
    """Delete states that expired before ``before`` (used or not)."""
    await session.execute(delete(OAuthState).where(OAuthState.expires_at < before))
