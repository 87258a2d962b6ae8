"""Free loopback ports for test servers (never the standard ones).

Tests run in parallel (pytest-xdist), each worker starting servers of its own.
A port found free by one worker could be taken by another before the first
binds it (seen in CI: "address already in use"), so each worker draws from a
block of ports of its own, below the kernel's ephemeral range (32768 and up on
Linux), where neither ``bind(0)`` nor outgoing connections pick ports. Within a
worker, a cursor moves on at every call, so two servers started one after the
other never get the same port.
"""

from __future__ import annotations

import os
import socket

_FIRST = 20_000
_BLOCK = 1_000
_BLOCKS = 12  # 20000-31999
# Standard ports inside that range, never handed out even when free here.
_STANDARD = frozenset({25672, 27017, 27018, 27019, 28017})
_cursors: dict[int, int] = {}


def _worker_block() -> int:
    worker = os.environ.get("PYTEST_XDIST_WORKER", "")  # "gw0", "gw1"... under xdist
    index = int(worker[2:]) if worker.startswith("gw") and worker[2:].isdigit() else 0
    return _FIRST + (index % _BLOCKS) * _BLOCK


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
