"""Typed access to the runs service's runtime objects, as FastAPI dependencies."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends

from runnerly_kit.columns import utcnow
from runnerly_kit.runtime import Runtime, RuntimeDep
from runnerly_kit.sessions import ReadSessionDep, SessionDep
from runnerly_runs.runs.service import Context
from runnerly_runs.settings import RunsSettings


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
