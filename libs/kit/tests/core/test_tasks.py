"""Stopping a background task that swallows a cancellation."""

from __future__ import annotations

import asyncio

from runnerly_kit.tasks import cancel_and_wait


async def test_a_task_that_swallows_a_cancellation_is_still_stopped() -> None:
    """A loop that ignores its first cancellation (as 3.11's wait_for can make it) still ends."""
    swallowed = 0

    async def stubborn() -> None:
        nonlocal swallowed
        while True:
            try:
                await asyncio.Event().wait()
            except asyncio.CancelledError:
                if swallowed:
                    raise
                swallowed += 1  # carry on, as if the cancellation had never come

    task = asyncio.create_task(stubborn())
    await asyncio.sleep(0)

    await cancel_and_wait(task)

    assert task.cancelled()
    assert swallowed == 1
