"""Free loopback ports for test servers (never the standard ones).

Tests run in parallel (pytest-xdist), each worker starting servers of its own,
and a developer may run two suites at once (or a benchmark beside the suite).
A port found free by one process could be taken by another before the first
binds it (seen in CI: "address already in use"; seen beside a second suite:
a service that could not start), so each process draws from a block of ports
that it holds alone: it claims the block with an exclusive ``flock`` on a lock
file, which the kernel releases when the process ends, however it ends. The
blocks lie below the kernel's ephemeral range (32768 and up on Linux), where
neither ``bind(0)`` nor outgoing connections pick ports. Within a process, a
cursor moves on at every call, so two servers started one after the other
never get the same port.
"""

from __future__ import annotations

import fcntl
import os
import socket
import tempfile
from pathlib import Path

_FIRST = 20_000
_BLOCK = 200
_BLOCKS = 60  # 20000-31999
_LOCKS = Path(tempfile.gettempdir()) / "runnerly-test-ports"
# Standard ports inside that range, never handed out even when free here.
_STANDARD = frozenset({25672, 27017, 27018, 27019, 28017})
_cursors: dict[int, int] = {}
_claimed: int | None = None


def _worker_block() -> int:
    """The first port of the block this process holds, claimed on first use.

    An xdist worker ``gwN`` tries block N first, so one suite's workers spread
    out; whichever block it takes, no other process holds it meanwhile.
    """
    global _claimed  # noqa: PLW0603  # one claim per process, held until it exits
    if _claimed is None:
        worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1"... under xdist
        preferred = int(worker[2:]) if worker.startswith("gw") and worker[2:].isdigit() else 0
        _LOCKS.mkdir(exist_ok=True)
        for step in range(_BLOCKS):
            block = (preferred + step) % _BLOCKS
            # A bare descriptor, never closed: the lock lives as long as the process.
            try:
                descriptor = os.open(_LOCKS / f"{block}.lock", os.O_CREAT | os.O_RDWR, 0o600)
            except PermissionError:  # another user's lock file: their block
                continue
            try:
                fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                os.close(descriptor)
                continue
            _claimed = _FIRST + block * _BLOCK
            break
        else:
            raise RuntimeError(f"all {_BLOCKS} blocks of test ports are held by other processes")
    return _claimed


def _is_free(port: int) -> bool:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_port() -> int:
    """A TCP port on 127.0.0.1 that nothing listens on right now, from this worker's block."""
    start = _worker_block()
    for _ in range(_BLOCK):
        offset = _cursors.get(start, 0)
        _cursors[start] = (offset + 1) % _BLOCK
        port = start + offset
        if port not in _STANDARD and _is_free(port):
            return port
    raise RuntimeError(f"no free port in {start}-{start + _BLOCK - 1}")
