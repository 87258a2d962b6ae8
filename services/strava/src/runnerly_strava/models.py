"""The strava service's tables: links to Strava athletes, OAuth states, sync jobs, the subscription.

Tokens are stored encrypted (:mod:`runnerly_kit.crypto`); OAuth states
only as their SHA-256. Job rows are the durable to-do list of the sync: a
webhook event, a connect or a disconnect writes one in the transaction that
decides it, so nothing is lost if the process stops right after answering.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, BigInteger, Index, Integer, String, Text, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from runnerly_kit.columns import UtcDateTime
from runnerly_kit.db import new_metadata
from runnerly_kit.events import include_kit_tables


class Base(DeclarativeBase):
    metadata = new_metadata()


include_kit_tables(Base.metadata)


class LinkStatus(StrEnum):
    """Whether we may call Strava for the athlete."""

    active = "active"
    #: Strava refused to refresh the token (the athlete revoked us): no calls until reconnected.
    broken = "broken"


class BackfillState(StrEnum):
    """Where the import of the athlete's past activities is."""

    pending = "pending"
    running = "running"
    done = "done"


class StravaLink(Base):
    """A runner linked to a Strava athlete (one to one, unique both ways)."""

    __tablename__ = "strava_links"

    runner_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    athlete_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    #: Encrypted (``TokenCipher``), bound to the runner and the purpose.
    access_token: Mapped[str] = mapped_column(Text)
    refresh_token: Mapped[str] = mapped_column(Text)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    #: Bumped by every refresh: a worker that lost a refresh race sees the newer tokens.
    token_version: Mapped[int] = mapped_column(Integer, default=0)
    #: The scopes the athlete granted (comma separated, as Strava writes them).
    scope: Mapped[str] = mapped_column(String(200))
    status: Mapped[str] = mapped_column(String(16))
    backfill: Mapped[str] = mapped_column(String(16))
    connected_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_synced_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    #: Start of the latest activity seen: the periodic sync asks for newer ones.
    last_activity_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    next_sync_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)


class OAuthState(Base):
    """The ``state`` of one authorization request: single use, short-lived, one runner's."""

    __tablename__ = "oauth_states"

    #: SHA-256 (hex) of the state; the state itself only travels in the URL.
    state_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    runner_id: Mapped[str] = mapped_column(String(36), index=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UtcDateTime())


class JobKind(StrEnum):
    """What a sync job does (see :mod:`runnerly_strava.sync.handlers`)."""

    #: One page of ``/athlete/activities`` (the backfill, or the periodic sync with ``after``).
    list_page = "list_page"
    #: Fetch one activity and its streams, then upsert (or delete) it in runs.
    fetch_activity = "fetch_activity"
    #: Strava says the athlete deauthorized us: check it, then forget the link.
    deauthorized = "deauthorized"
    #: Revoke our access at Strava (tokens travel in the job, encrypted).
    deauthorize = "deauthorize"
    #: Ask runs to forget the runner's Strava data.
    forget_runs = "forget_runs"


#: Jobs that call Strava's API, and so wait while the rate limit is near.
STRAVA_KINDS = frozenset(
    {JobKind.list_page, JobKind.fetch_activity, JobKind.deauthorized, JobKind.deauthorize}
)


class JobStatus(StrEnum):
    """A job is queued until done (then deleted) or given up on (kept as ``failed``)."""

    queued = "queued"
    failed = "failed"


class SyncJob(Base):
    """One unit of sync work, claimed by one worker at a time with a lease."""

    __tablename__ = "sync_jobs"
    __table_args__ = (Index("ix_sync_jobs_status_next_attempt_at", "status", "next_attempt_at"),)

    id: Mapped[uuid.UUID] = mapped_column(Uuid(), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32))
    runner_id: Mapped[str] = mapped_column(String(36), index=True)
    activity_id: Mapped[int | None] = mapped_column(BigInteger)
    payload: Mapped[dict[str, Any]] = mapped_column(JSON)
    status: Mapped[str] = mapped_column(String(16))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime())
    #: Set when a worker claims the job; its outcome is written only under the same lease.
    lease_id: Mapped[uuid.UUID | None] = mapped_column(Uuid())
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())


class PushSubscription(Base):
    """Strava's push subscription for our application (Strava allows one per application)."""

    __tablename__ = "push_subscriptions"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    callback_url: Mapped[str] = mapped_column(String(500))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
