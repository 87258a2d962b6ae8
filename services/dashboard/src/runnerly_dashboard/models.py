"""The dashboard's one table: browser sessions.

A row is found by the SHA-256 of the cookie's value (``key_hash``): the
cookie itself is never stored, so a copy of the database opens no browser
session. Its ``id`` never changes (logs and the refresh lock use it), while
``key_hash`` and ``csrf_token`` change when the runner logs in (no session
fixation). The runner's tokens are encrypted (:mod:`runnerly_kit.crypto`),
bound to the runner; the Strava connect ``state`` this browser started is
kept as its SHA-256, like the strava service keeps it.
"""

from __future__ import annotations

import uuid
from datetime import datetime

from sqlalchemy import Integer, String, Text, Uuid
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from runnerly_kit.columns import UtcDateTime
from runnerly_kit.db import new_metadata
from runnerly_kit.events import include_kit_tables


class Base(DeclarativeBase):
    metadata = new_metadata()


include_kit_tables(Base.metadata)


class BrowserSession(Base):
    """One browser's session: anonymous until the runner logs in."""

    __tablename__ = "browser_sessions"

    id: Mapped[uuid.UUID] = mapped_column(Uuid(), primary_key=True)
    #: SHA-256 (hex) of the cookie's value.
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    runner_id: Mapped[str | None] = mapped_column(String(36), index=True)
    #: Encrypted, bound to the runner (purpose ``access`` / ``refresh``).
    access_token: Mapped[str | None] = mapped_column(Text)
    refresh_token: Mapped[str | None] = mapped_column(Text)
    access_expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime())
    #: The runner's time zone, so the home screen's statistics need not wait for the profile.
    time_zone: Mapped[str | None] = mapped_column(String(64))
    #: Bumped by every token refresh: a request that lost the race reads the newer tokens.
    token_version: Mapped[int] = mapped_column(Integer, default=0)
    #: Another replica is refreshing the tokens until then (a lease; see sessions.tokens).
    refreshing_until: Mapped[datetime | None] = mapped_column(UtcDateTime())
    #: SHA-256 of the ``state`` of the Strava connect this browser started, if any.
    strava_state_hash: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime())
    last_seen_at: Mapped[datetime] = mapped_column(UtcDateTime(), index=True)
