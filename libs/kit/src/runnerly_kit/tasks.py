"""Stopping a background task for good.

On Python 3.11, ``asyncio.wait_for`` swallows a cancellation that lands as the
awaited thing completes, and libraries use it inside their own waits (nats-py
fetches with it). A task cancelled once may then carry on as if nothing had
happened, and whoever awaits it waits forever (a service's shutdown hung on
its event watcher this way). So: cancel, and cancel again until it has ended.
"""

from __future__ import annotations

import asyncio
from typing import Any

#: How long to let a cancelled task unwind before cancelling it again.
RECANCEL_SECONDS = 0.5


async def cancel_and_wait(task: asyncio.Task[Any]) -> None:
    """Cancel ``task`` (again and again, should it swallow a cancellation) until it ends."""
    while not task.done():
        task.cancel()
        await asyncio.wait([task], timeout=RECANCEL_SECONDS)
    if not task.cancelled() and task.exception() is not None:
        raise task.exception()  # type: ignore[misc]
