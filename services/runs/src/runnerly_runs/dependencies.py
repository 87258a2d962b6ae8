"""The request's context for the rules, and typed access to the runtime, as FastAPI dependencies.

The features' services take a :class:`Context`; the endpoints get one from
:data:`ContextDep` or :data:`ReadContextDep`. It lives here, below every
feature, so that this module only points down.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Annotated

from fastapi import Depends
from sqlalchemy.ext.asyncio import AsyncSession

from runnerly_kit.columns import utcnow
from runnerly_kit.runtime import Runtime, RuntimeDep
from runnerly_kit.sessions import ReadSessionDep, SessionDep
from runnerly_runs.settings import RunsSettings


@dataclass(frozen=True, slots=True)
class Context:
    """What the rules need: the request's transaction, the settings, the time."""

    session: AsyncSession
    settings: RunsSettings
    now: datetime


def settings_of(runtime: Runtime) -> RunsSettings:
    """The runtime's settings, as the runs service's own class."""
    return runtime.settings_as(RunsSettings)


async def _write_context(session: SessionDep, runtime: RuntimeDep) -> Context:
    return Context(session, settings_of(runtime), utcnow())


async def _read_context(session: ReadSessionDep, runtime: RuntimeDep) -> Context:
    return Context(session, settings_of(runtime), utcnow())


#: The rules' context in the request's write transaction.
ContextDep = Annotated[Context, Depends(_write_context)]
#: The same for handlers that only read (no SQLite write lock).
ReadContextDep = Annotated[Context, Depends(_read_context)]
