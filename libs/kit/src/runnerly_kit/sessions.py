"""The session a request owns: its handler's transaction.

The dependency commits when the handler returns and rolls back when it raises,
*before* the response is sent (``scope="function"``), so a client never sees
success for a change that failed to commit. Services only ``flush``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncSession

from runnerly_kit.runtime import get_runtime


async def _write_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with get_runtime(request).db.transaction(write=True) as session:
        yield session


async def _read_session(request: Request) -> AsyncIterator[AsyncSession]:
    async with get_runtime(request).db.transaction(write=False) as session:
        yield session


#: A session in a write transaction, committed when the handler returns.
SessionDep = Annotated[AsyncSession, Depends(_write_session, scope="function")]
#: A session for handlers that only read (never takes SQLite's write lock).
ReadSessionDep = Annotated[AsyncSession, Depends(_read_session, scope="function")]
