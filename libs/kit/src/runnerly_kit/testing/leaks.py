"""A test that leaks fails at its own teardown, naming itself.

A database connection, a server or a worker thread left open by one test used
to be found by the garbage collector during some later test, where
``filterwarnings = error`` turned its ``ResourceWarning`` into an error that
named the wrong test (and a different one on each run). Every resource the
kit's tests open runs on a thread of its own (an aiosqlite connection has one
per connection; a uvicorn server under test has one; a thread pool has its
workers), so the check is: every thread a test started has ended once its
fixtures are torn down.

A properly closed resource stops its thread as it closes; joining it returns
at once. The deadline only bounds how long a thread that is *about* to end
(it has been told to stop and is finishing its last call) may take.
"""

from __future__ import annotations

import threading
from collections.abc import Set

#: How long a thread that was told to stop may take to end before it counts as leaked.
STOP_DEADLINE_SECONDS = 10.0

# Threads that live as long as the process by design, started on first use by
# libraries we do not control; they are not a test's leak.
_PROCESS_THREAD_PREFIXES = ("asyncio_",)  # the default executor of a session-scoped loop


def _describe(thread: threading.Thread) -> str:
    target = getattr(thread, "_target", None)
    where = f" running {target.__module__}.{target.__qualname__}" if target is not None else ""
    return f"{thread.name}{where}"


def assert_no_leaked_threads(
    test_name: str, before: Set[threading.Thread], *, ignore: Set[threading.Thread] = frozenset()
) -> None:
    """Fail if a thread started since ``before`` (and not in ``ignore``) is still running.

    The kit's plugin calls it after each test's teardown, with the threads that
    ran before the test's setup and those that wider-scoped fixtures started
    (they are torn down later, with their module or session). Raises
    ``AssertionError`` naming ``test_name`` and the leaked threads.
    """
    leaked = []
    for thread in threading.enumerate():
        if thread in before or thread in ignore or not thread.is_alive():
            continue
        if thread.name.startswith(_PROCESS_THREAD_PREFIXES):
            continue
        thread.join(STOP_DEADLINE_SECONDS)
        if thread.is_alive():
            leaked.append(thread)
    if leaked:
        names = ", ".join(_describe(t) for t in leaked)
        raise AssertionError(
            f"{test_name} left {len(leaked)} thread(s) running after its teardown: {names}. "
            "Close what the test opens (dispose engines, stop servers) in its fixtures."
        )
