"""The request Context every feature's rules take, and typed access to the runtime objects."""

from __future__ import annotations

import contextlib
from collections.abc import AsyncIterator
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Annotated

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession

from runnerly_kit.columns import utcnow
from runnerly_kit.db import Database
from runnerly_kit.runtime import Runtime, RuntimeDep
from runnerly_kit.sessions import ReadSessionDep, SessionDep
from runnerly_users.credentials import Passwords
from runnerly_users.settings import UsersSettings


@dataclass(frozen=True, slots=True)
class Context:
    """What the rules of every feature use: the request's transaction, settings, hasher, the time.

    Here, not in a feature, because every feature's service takes it and the
    request handler builds it: the handler owns the transaction.
    """

    session: AsyncSession
    settings: UsersSettings
    passwords: Passwords
    now: datetime


@contextlib.asynccontextmanager
async def in_transaction(context: Context, db: Database) -> AsyncIterator[Context]:
    """The same context in a short write transaction of its own, committed when the block ends.

    For a rule that checks a password in a read transaction first: Argon2id is
    deliberately slow, and must not hold SQLite's write lock while it works.
    """
    async with db.transaction() as session:
        yield replace(context, session=session)


def settings_of(runtime: Runtime) -> UsersSettings:
    """The runtime's settings, as the users service's own class."""
    return runtime.settings_as(UsersSettings)


def passwords_of(runtime: Runtime) -> Passwords:
    """The process's password hasher."""
    return runtime.components.get(Passwords)


async def _write_context(session: SessionDep, runtime: RuntimeDep) -> Context:
    return Context(session, settings_of(runtime), passwords_of(runtime), utcnow())


async def _read_context(session: ReadSessionDep, runtime: RuntimeDep) -> Context:
    return Context(session, settings_of(runtime), passwords_of(runtime), utcnow())


#: What the account rules use, in the request's write transaction.
ContextDep = Annotated[Context, Depends(_write_context)]
#: The same for handlers that only read (no SQLite write lock).
ReadContextDep = Annotated[Context, Depends(_read_context)]
