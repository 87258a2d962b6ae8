"""A panel: one part of a screen, from one call, that may be unavailable while the rest loads.

A screen gathers its panels in parallel, each under its own deadline
(:func:`gather_panel`): a service that is down, slow past the deadline or
answering an error makes that panel ``{"status": "unavailable", "message"}``,
and the other panels still show. The message is for the runner; which service
failed and why goes to the logs, never into the body.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from typing import Any, Generic, Literal, TypeVar

from prometheus_client import Counter
from pydantic import BaseModel, ValidationError

from runnerly_kit.errors import RunnerlyError
from runnerly_kit.logs import get_logger

T = TypeVar("T")
R = TypeVar("R", bound="Ready[Any]")
_log = get_logger("runnerly.dashboard.panels")


class Ready(BaseModel, Generic[T]):
    """The panel's data."""

    status: Literal["ok"] = "ok"
    data: T


class Unavailable(BaseModel):
    """The panel's service did not answer in time (or failed): say so, show the rest."""

    status: Literal["unavailable"] = "unavailable"
    message: str


async def gather_panel(
    call: Awaitable[Any],
    *,
    ready: type[R],
    deadline: float,
    message: str,
    unavailable: Counter | None = None,
) -> R | Unavailable:
    """``call``'s result as a ``ready`` panel (a :class:`Ready` subclass, whose ``data`` it
    validates), or :class:`Unavailable` past ``deadline`` seconds or on any error a peer
    causes (the runner's own 401 is not one: it ends the screen)."""
    name = ready.__name__
    try:
        async with asyncio.timeout(deadline):
            return ready(data=await call)
    except TimeoutError:
        _log.warning("panel_missed_deadline", panel=name, deadline=deadline)
    except RunnerlyError as error:
        _log.warning("panel_unavailable", panel=name, code=error.code, status=error.status_code)
    except ValidationError as error:
        _log.error("panel_unreadable", panel=name, errors=error.error_count())
    if unavailable is not None:
        unavailable.labels(name).inc()
    return Unavailable(message=message)
