"""The rules of linking a runner to Strava.

Connect: a random ``state`` (32 bytes) is stored as its SHA-256, bound to the
runner, single use, valid ``state_ttl_seconds``. The callback is
authenticated by that state alone (the browser comes back from Strava without
our bearer token): an unknown, expired or reused state is a 400 and changes
nothing else. The state is consumed in its own transaction *before* the code
exchange, so a replayed callback cannot race the first one; the call to
Strava is made outside any transaction (SQLite's writer is never held across
the network). The runner must grant ``activity:read_all``, else nothing is
stored.

A link is unique both ways: an athlete already linked to another runner is
refused, as is a runner already linked to another athlete (disconnect first).
Connecting again to the same athlete (e.g. a broken link) renews the tokens.

Disconnect removes the link and the runner's queued jobs, and queues the
revocation at Strava (with the tokens, encrypted, in the job) and the
deletion of the runner's Strava data in runs. It is idempotent.

This module is the links feature's door: the sync, the webhook and the
consumers read and change a link only through the functions here. Links sit
below the sync (which works on a link's tokens and sync state) and above the
job queue (connecting queues the backfill, disconnecting the revocation).
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from urllib.parse import urlencode

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from runnerly_kit.columns import utcnow
from runnerly_kit.crypto import TokenCipher
from runnerly_kit.db import Database
from runnerly_kit.errors import BadRequest, Conflict, ServiceUnavailable
from runnerly_kit.logs import get_logger
from runnerly_strava.dependencies import Components
from runnerly_strava.jobs import service as jobs
from runnerly_strava.links import repository
from runnerly_strava.links.schemas import Connection
from runnerly_strava.models import (
    STRAVA_KINDS,
    BackfillState,
    LinkStatus,
    OAuthState,
    StravaLink,
)
from runnerly_strava.settings import StravaSettings
from runnerly_strava.strava.client import TokenResponse
from runnerly_strava.strava.errors import StravaError

REQUIRED_SCOPE = "activity:read_all"
REQUESTED_SCOPES = "read,activity:read_all"
_log = get_logger("runnerly.strava.links")


@dataclass(frozen=True)
class CallbackOutcome:
    """Where the callback sends the browser: connected, or an error with a reason."""

    connected: bool
    reason: str = ""


def hash_state(state: str) -> str:
    """The stored form of a state."""
    return hashlib.sha256(state.encode()).hexdigest()


async def start_connect(session: AsyncSession, settings: StravaSettings, runner_id: str) -> str:
    """A new state for the runner, and Strava's authorization URL carrying it."""
    if not settings.strava_configured:
        raise ServiceUnavailable(
            "Strava is not configured on this Runnerly: set STRAVA_STRAVA_CLIENT_ID and "
            "STRAVA_STRAVA_CLIENT_SECRET to the application's credentials from "
            "https://www.strava.com/settings/api.",
            code="strava_not_configured",
        )
    now = utcnow()
    await repository.purge_states(session, now - timedelta(days=1))
    state = secrets.token_urlsafe(32)
    repository.add_state(
        session,
        OAuthState(
            state_hash=hash_state(state),
            runner_id=runner_id,
            created_at=now,
            expires_at=now + timedelta(seconds=settings.state_ttl_seconds),
        ),
    )
    query = urlencode(
        {
            "client_id": settings.strava_client_id,
            "redirect_uri": settings.redirect_uri,
            "response_type": "code",
            "approval_prompt": settings.approval_prompt,
            "scope": REQUESTED_SCOPES,
            "state": state,
        }
    )
    return f"{settings.strava_oauth_url.rstrip('/')}/authorize?{query}"


async def finish_connect(
    database: Database,
    settings: StravaSettings,
    components: Components,
    *,
    state: str | None,
    code: str | None,
    scope: str | None,
    error: str | None,
) -> CallbackOutcome:
    """Check the state, then (if the runner agreed) exchange the code and store the link."""
    if not state:
        raise BadRequest("The state parameter is missing.", code="invalid_state")
    async with database.transaction() as session:
        used = await repository.use_state(session, hash_state(state), utcnow())
    if used is None:
        raise BadRequest("The state is unknown, expired or already used.", code="invalid_state")
    runner_id = used.runner_id
    if error:
        _log.info("strava_connect_declined", runner_id=runner_id, error=error[:100])
        return CallbackOutcome(False, "access_denied")
    granted = {part.strip() for part in (scope or "").split(",")}
    if REQUIRED_SCOPE not in granted:
        _log.info("strava_connect_scope_missing", runner_id=runner_id)
        return CallbackOutcome(False, "scope_missing")
    if not code:
        raise BadRequest("The code parameter is missing.", code="invalid_request")
    return await _link_athlete(database, settings, components, runner_id, code, granted)


async def _link_athlete(
    database: Database,
    settings: StravaSettings,
    components: Components,
    runner_id: str,
    code: str,
    granted: set[str],
) -> CallbackOutcome:
    try:
        tokens = await components.strava.exchange_code(code)
    except StravaError as exc:
        _log.warning("strava_code_exchange_failed", runner_id=runner_id, error=str(exc))
        return CallbackOutcome(False, "exchange_failed")
    if tokens.athlete is None:
        return CallbackOutcome(False, "exchange_failed")
    try:
        async with database.transaction() as session:
            await _store_link(
                session, settings, components, runner_id, tokens, ",".join(sorted(granted))
            )
    except Conflict as conflict:
        return CallbackOutcome(False, conflict.code)
    except IntegrityError:  # another callback linked the athlete at the same moment
        return CallbackOutcome(False, "athlete_linked_elsewhere")
    _log.info("strava_connected", runner_id=runner_id, athlete_id=tokens.athlete.id)
    return CallbackOutcome(True)


async def _store_link(
    session: AsyncSession,
    settings: StravaSettings,
    components: Components,
    runner_id: str,
    tokens: TokenResponse,
    scope: str,
) -> None:
    assert tokens.athlete is not None
    athlete_id = tokens.athlete.id
    now = utcnow()
    other = await repository.get_link_by_athlete(session, athlete_id)
    if other is not None and other.runner_id != runner_id:
        raise Conflict("linked to another runner", code="athlete_linked_elsewhere")
    link = await repository.get_link(session, runner_id)
    if link is not None and link.athlete_id != athlete_id:
        raise Conflict("the runner is linked to another athlete", code="already_connected")
    columns = encrypted_tokens(components.cipher, runner_id, tokens)
    if link is None:
        link = StravaLink(
            runner_id=runner_id,
            athlete_id=athlete_id,
            token_version=0,
            connected_at=now,
            next_sync_at=now,
        )
        repository.add_link(session, link)
    link.access_token = columns["access_token"]
    link.refresh_token = columns["refresh_token"]
    link.expires_at = tokens.expires
    link.token_version = (link.token_version or 0) + 1
    link.scope = scope
    link.status = LinkStatus.active
    link.backfill = BackfillState.pending
    # The backfill is the first sync; the periodic one starts an interval later.
    link.next_sync_at = now + timedelta(seconds=settings.sync_interval_seconds)
    jobs.queue_listing(session, runner_id, now, after=None, backfill=True)


async def connection(session: AsyncSession, settings: StravaSettings, runner_id: str) -> Connection:
    """What the runner sees of their link, and whether connecting is possible here."""
    configured = settings.strava_configured
    link = await repository.get_link(session, runner_id)
    if link is None:
        return Connection(configured=configured, connected=False)
    return Connection(
        configured=configured,
        connected=link.status == LinkStatus.active,
        athlete_id=link.athlete_id,
        status=LinkStatus(link.status).value,
        scope=link.scope,
        connected_at=link.connected_at,
        last_synced_at=link.last_synced_at,
        backfill=BackfillState(link.backfill).value,
    )


async def disconnect(session: AsyncSession, runner_id: str) -> None:
    """Forget the link now; revoke at Strava and forget in runs through jobs."""
    link = await repository.get_link(session, runner_id)
    if link is None:
        return
    now = utcnow()
    await _forget_link(session, link, now)
    jobs.queue_forget_runs(session, runner_id, now)
    _log.info("strava_disconnected", runner_id=runner_id)


async def forget_deleted_runner(session: AsyncSession, runner_id: str, now: datetime) -> bool:
    """The runner deleted their account: forget their link and states now; revoke at Strava.

    runs forgets the runner's runs on the same event, so no ``forget_runs`` job.
    False when the runner had no link.
    """
    await repository.delete_states(session, runner_id)
    link = await repository.get_link(session, runner_id)
    if link is None:
        return False
    await _forget_link(session, link, now)
    return True


async def _forget_link(session: AsyncSession, link: StravaLink, now: datetime) -> None:
    """Remove the link, the runner's jobs and states; queue the revocation at Strava."""
    runner_id = link.runner_id
    await jobs.drop_runner_jobs(session, runner_id)
    await repository.delete_states(session, runner_id)
    await repository.delete_link(session, runner_id)
    # The tokens leave the link for the job, still encrypted and bound to the runner;
    # the job forgets them once Strava has revoked them (or it gives up).
    jobs.queue_revocation(
        session,
        runner_id,
        now,
        access_token=link.access_token,
        refresh_token=link.refresh_token,
    )


async def sync_now(session: AsyncSession, settings: StravaSettings, runner_id: str) -> None:
    """Queue a listing of the runner's recent activities."""
    link = await repository.get_link(session, runner_id)
    if link is None or link.status != LinkStatus.active:
        raise Conflict(
            "Strava is not connected (or the link is broken): connect first.",
            code="not_connected",
        )
    after = sync_after(link, settings.sync_overlap_seconds)
    jobs.queue_listing(session, runner_id, utcnow(), after=after, backfill=False)


# ---------------------------------------------------------------- the sync's and webhook's door


def sync_after(link: StravaLink, overlap_seconds: float) -> int:
    """The ``after`` of a sync: the last activity seen (or the connection), minus the overlap."""
    since = link.last_activity_at or link.connected_at
    return int((since - timedelta(seconds=overlap_seconds)).astimezone(UTC).timestamp())


def encrypted_tokens(cipher: TokenCipher, runner_id: str, tokens: TokenResponse) -> dict[str, str]:
    """The encrypted columns of a token response, bound to the runner."""
    return {
        "access_token": cipher.encrypt(tokens.access_token, runner_id=runner_id, purpose="access"),
        "refresh_token": cipher.encrypt(
            tokens.refresh_token, runner_id=runner_id, purpose="refresh"
        ),
    }


async def authorization_requests_of(session: AsyncSession, runner_id: str) -> Sequence[OAuthState]:
    """The runner's authorization requests (OAuth states) still kept (their data export)."""
    return await repository.states_of(session, runner_id)


async def link_of(session: AsyncSession, runner_id: str) -> StravaLink | None:
    """The runner's link, if any."""
    return await repository.get_link(session, runner_id)


async def link_of_athlete(session: AsyncSession, athlete_id: int) -> StravaLink | None:
    """The link of a Strava athlete, if any."""
    return await repository.get_link_by_athlete(session, athlete_id)


async def replace_tokens(
    session: AsyncSession, cipher: TokenCipher, runner_id: str, tokens: TokenResponse
) -> None:
    """Store a refreshed pair, encrypted; its version tells workers holding older ones."""
    columns = encrypted_tokens(cipher, runner_id, tokens)
    await repository.replace_tokens(session, runner_id, expires_at=tokens.expires, **columns)


async def mark_broken(session: AsyncSession, runner_id: str) -> None:
    """Strava refuses the link's tokens: the link is broken and its Strava jobs go."""
    await repository.set_status(session, runner_id, LinkStatus.broken)
    await jobs.drop_runner_jobs(session, runner_id, STRAVA_KINDS)


async def forget_revoked(session: AsyncSession, runner_id: str, now: datetime) -> None:
    """Strava confirmed the athlete revoked us: forget the link; runs forgets their Strava data."""
    await repository.delete_link(session, runner_id)
    await jobs.drop_runner_jobs(session, runner_id, STRAVA_KINDS)
    jobs.queue_forget_runs(session, runner_id, now)


async def note_activity_start(session: AsyncSession, runner_id: str, started_at: datetime) -> None:
    """Remember the latest activity start seen (the next sync asks for newer ones)."""
    await repository.note_activity_start(session, runner_id, started_at)


async def backfill_started(session: AsyncSession, runner_id: str) -> None:
    """The backfill listed its first page."""
    await repository.set_backfill(session, runner_id, BackfillState.running)


async def sync_completed(
    session: AsyncSession, runner_id: str, now: datetime, *, backfill: bool = False
) -> None:
    """A sync of the runner completed now (the backfill, when ``backfill``)."""
    await repository.mark_synced(session, runner_id, now)
    if backfill:
        await repository.set_backfill(session, runner_id, BackfillState.done)


async def due_for_sync(session: AsyncSession, now: datetime, limit: int) -> Sequence[StravaLink]:
    """Active links whose periodic sync is due."""
    return await repository.links_due_for_sync(session, now, limit)


async def start_periodic_sync(
    session: AsyncSession, settings: StravaSettings, link: StravaLink, now: datetime
) -> bool:
    """Queue the link's periodic sync if it is still due; False when another replica took it."""
    next_at = now + timedelta(seconds=settings.sync_interval_seconds)
    if not await repository.take_sync_turn(session, link.runner_id, now, next_at):
        return False
    after = sync_after(link, settings.sync_overlap_seconds)
    jobs.queue_listing(session, link.runner_id, now, after=after, backfill=False)
    return True
