"""A valid access token for a link, whenever a job needs one.

Before each call: if the stored access token expires within
``token_refresh_margin_seconds`` (an hour by default; Strava's live six hours
and Strava only issues a new one within the last hour), it is refreshed
first. A 401 on a call gets one refresh and one retry. The new pair is stored
encrypted at once (Strava may rotate the refresh token too).

A refresh Strava refuses (400/401: the athlete revoked us) marks the link
broken and removes its queued Strava jobs; the job at hand raises
:class:`LinkGone`. If another worker refreshed in between (the stored
``token_version`` moved), its tokens are used instead.

Refreshes of one link are serialised within a process; across replicas the
version check above covers the race.
"""

from __future__ import annotations

import asyncio
import weakref
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import TypeVar

from runnerly_kit.columns import utcnow
from runnerly_kit.db import Database
from runnerly_kit.logs import get_logger
from runnerly_strava.dependencies import Components
from runnerly_strava.links import service as links
from runnerly_strava.models import LinkStatus, StravaLink
from runnerly_strava.settings import StravaSettings
from runnerly_strava.strava.errors import StravaRefused, StravaUnauthorized

T = TypeVar("T")
_log = get_logger("runnerly.strava.tokens")
_locks: weakref.WeakValueDictionary[str, asyncio.Lock] = weakref.WeakValueDictionary()


class LinkGone(Exception):
    """The link was removed or is broken: the job has nothing left to do."""


@dataclass(frozen=True)
class _Pair:
    access_token: str
    refresh_token: str
    version: int
    fresh: bool


class AthleteTokens:
    """The tokens of one runner's link, for the duration of one job."""

    def __init__(
        self, database: Database, settings: StravaSettings, components: Components, runner_id: str
    ) -> None:
        self._db = database
        self._settings = settings
        self._components = components
        self.runner_id = runner_id
        self.athlete_id: int | None = None

    async def call(self, action: Callable[[str], Awaitable[T]]) -> T:
        """Run ``action(access_token)``; on a 401, refresh once and run it again."""
        pair = await self._current()
        if not pair.fresh:
            pair = await self.refresh(pair.version)
        try:
            return await action(pair.access_token)
        except StravaUnauthorized:
            _log.info("strava_token_refused", runner_id=self.runner_id)
            pair = await self.refresh(pair.version)
            return await action(pair.access_token)

    async def refresh(self, seen_version: int | None = None) -> _Pair:
        """A newly refreshed pair (or one another worker refreshed since ``seen_version``)."""
        lock = _locks.get(self.runner_id)
        if lock is None:
            lock = _locks[self.runner_id] = asyncio.Lock()
        async with lock:
            current = await self._current()
            if seen_version is not None and current.version != seen_version and current.fresh:
                return current  # another worker refreshed while we waited
            try:
                tokens = await self._components.strava.refresh(current.refresh_token)
            except StravaRefused:
                latest = await self._current()
                if latest.version != current.version:
                    return latest
                await self._break()
                raise LinkGone("Strava refused to refresh the token") from None
            async with self._db.transaction() as session:
                await links.replace_tokens(session, self._components.cipher, self.runner_id, tokens)
            _log.info("strava_token_refreshed", runner_id=self.runner_id)
            return _Pair(tokens.access_token, tokens.refresh_token, current.version + 1, True)

    async def _current(self) -> _Pair:
        async with self._db.transaction(write=False) as session:
            link = await links.link_of(session, self.runner_id)
        if link is None or link.status != LinkStatus.active:
            raise LinkGone("the runner is not linked to Strava")
        self.athlete_id = link.athlete_id
        return self._decrypt(link)

    def _decrypt(self, link: StravaLink) -> _Pair:
        cipher = self._components.cipher
        margin = timedelta(seconds=self._settings.token_refresh_margin_seconds)
        return _Pair(
            access_token=cipher.decrypt(
                link.access_token, runner_id=link.runner_id, purpose="access"
            ),
            refresh_token=cipher.decrypt(
                link.refresh_token, runner_id=link.runner_id, purpose="refresh"
            ),
            version=link.token_version,
            fresh=link.expires_at - utcnow() > margin,
        )

    async def _break(self) -> None:
        _log.warning("strava_link_broken", runner_id=self.runner_id)
        async with self._db.transaction() as session:
            await links.mark_broken(session, self.runner_id)
